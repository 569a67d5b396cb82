/**
 * A small typed client of MLflow's REST API (`/api/2.0/mlflow/...`) and of the tracking server's
 * proxied artifact endpoint (`/api/2.0/mlflow-artifacts/artifacts/...`), over `fetch`.
 *
 * Transient failures (network errors, timeouts, HTTP 408/429/5xx) are retried with exponential
 * backoff; any other 4xx fails at once with an `MlflowError` carrying MLflow's `error_code`.
 */
import { logBatchChunks } from "./logBatchChunks";
import { MlflowError, isRetryableStatus } from "./mlflowError";
import type {
  ArtifactFile,
  Experiment,
  KeyValue,
  LoggedModel,
  Metric,
  MetricInput,
  Run,
  RunInfo,
  RunStatus,
} from "./types";

export interface MlflowClientOptions {
  /** Server base URI, e.g. `http://127.0.0.1:5050` (see `trackingUri()`). */
  trackingUri: string;
  /** Retries after the first attempt for retryable failures; default 4. */
  retries?: number;
  /** First backoff delay; doubled per retry, capped at 8 s; default 250 ms. */
  backoffMs?: number;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
}

export interface CreateRunInput {
  experimentId: string;
  runName?: string;
  startTime?: number;
  tags?: Record<string, string>;
}

export interface UpdateRunInput {
  status?: RunStatus;
  endTime?: number;
  runName?: string;
}

export interface SearchRunsInput {
  experimentIds: string[];
  /** MLflow search syntax, e.g. `params.model = 'gbm' and metrics.auc > 0.5`. */
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  runViewType?: "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";
}

export interface SearchRunsPage {
  runs: Run[];
  nextPageToken: string | null;
}

export interface CreateLoggedModelInput {
  experimentId: string;
  name: string;
  /** Links the model to the run that produced it (the run page's "Logged models"). */
  sourceRunId?: string;
  modelType?: string;
  params?: Record<string, string>;
  tags?: Record<string, string>;
}

export interface LogBatchInput {
  metrics?: MetricInput[];
  params?: Record<string, string | number | boolean>;
  tags?: Record<string, string>;
}

type Query = Record<string, string>;
type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

function toKeyValues(record: Record<string, string | number | boolean> | undefined): KeyValue[] {
  return record ? Object.entries(record).map(([key, value]) => ({ key, value: String(value) })) : [];
}

/** JSON has no NaN or Infinity; MLflow's protobuf JSON accepts them as strings. */
export function wireValue(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}

function encodePath(path: string): string {
  return path
    .split("/")
    .filter((s) => s.length > 0)
    .map(encodeURIComponent)
    .join("/");
}

/**
 * The path of a run's artifact root under the proxied artifact endpoint. The tracking server gives
 * runs an `mlflow-artifacts:/<exp>/<run>/artifacts` URI when it serves artifacts; any other
 * scheme means the artifacts live elsewhere and cannot be reached through this server.
 */
export function proxiedArtifactRoot(artifactUri: string): string {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
  if (!m) {
    throw new MlflowError(
      "INVALID_PARAMETER_VALUE",
      0,
      "artifact_uri",
      `run artifact URI ${artifactUri} is not served by the tracking server (expected mlflow-artifacts:/...); start the server with --serve-artifacts`,
      1,
    );
  }
  return m[1].replace(/\/+$/, "");
}

export class MlflowClient {
  readonly trackingUri: string;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly artifactRoots = new Map<string, string>();

  constructor(opts: MlflowClientOptions) {
    this.trackingUri = opts.trackingUri.replace(/\/+$/, "");
    this.retries = opts.retries ?? 4;
    this.backoffMs = opts.backoffMs ?? 250;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  // ---- experiments -------------------------------------------------------------------------

  /** The experiment named `name` (active or deleted), or null when none exists. */
  async getExperimentByName(name: string): Promise<Experiment | null> {
    try {
      const res = await this.call<{ experiment: Experiment }>("GET", "/api/2.0/mlflow/experiments/get-by-name", {
        query: { experiment_name: name },
      });
      return res.experiment;
    } catch (err) {
      if (err instanceof MlflowError && err.errorCode === "RESOURCE_DOES_NOT_EXIST") return null;
      throw err;
    }
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const res = await this.call<{ experiment: Experiment }>("GET", "/api/2.0/mlflow/experiments/get", {
      query: { experiment_id: experimentId },
    });
    return res.experiment;
  }

  async createExperiment(name: string, tags?: Record<string, string>): Promise<string> {
    const res = await this.call<{ experiment_id: string }>("POST", "/api/2.0/mlflow/experiments/create", {
      body: { name, tags: toKeyValues(tags) },
    });
    return res.experiment_id;
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.call("POST", "/api/2.0/mlflow/experiments/delete", { body: { experiment_id: experimentId } });
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.call("POST", "/api/2.0/mlflow/experiments/restore", { body: { experiment_id: experimentId } });
  }

  /**
   * The active experiment named `name`: created when missing, restored when deleted (MLflow keeps
   * deleted names reserved, so creating it again would fail), and re-read after losing a
   * creation race to another process.
   */
  async getOrCreateExperiment(name: string, tags?: Record<string, string>): Promise<Experiment> {
    const existing = await this.getExperimentByName(name);
    if (existing) {
      if (existing.lifecycle_stage === "deleted") {
        await this.restoreExperiment(existing.experiment_id);
        return this.getExperiment(existing.experiment_id);
      }
      return existing;
    }
    try {
      return await this.getExperiment(await this.createExperiment(name, tags));
    } catch (err) {
      if (err instanceof MlflowError && err.errorCode === "RESOURCE_ALREADY_EXISTS") {
        const winner = await this.getExperimentByName(name);
        if (winner) return winner;
      }
      throw err;
    }
  }

  /** Every active experiment, following page tokens. */
  async searchExperiments(): Promise<Experiment[]> {
    const out: Experiment[] = [];
    let pageToken: string | undefined;
    do {
      const body: Record<string, unknown> = { max_results: 1000, view_type: "ACTIVE_ONLY" };
      if (pageToken) body.page_token = pageToken;
      const res = await this.call<{ experiments?: Experiment[]; next_page_token?: string }>(
        "POST",
        "/api/2.0/mlflow/experiments/search",
        { body },
      );
      out.push(...(res.experiments ?? []));
      pageToken = res.next_page_token || undefined;
    } while (pageToken);
    return out;
  }

  /** Sets (or overwrites) one tag of the experiment. */
  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.call("POST", "/api/2.0/mlflow/experiments/set-experiment-tag", {
      body: { experiment_id: experimentId, key, value },
    });
  }

  // ---- runs --------------------------------------------------------------------------------

  async createRun(input: CreateRunInput): Promise<Run> {
    const body: Record<string, unknown> = {
      experiment_id: input.experimentId,
      start_time: input.startTime ?? Date.now(),
      tags: toKeyValues(input.tags),
    };
    if (input.runName !== undefined) body.run_name = input.runName;
    const res = await this.call<{ run: Run }>("POST", "/api/2.0/mlflow/runs/create", { body });
    // Runs whose artifacts the server does not proxy are left out; artifact calls then report why.
    if (res.run.info.artifact_uri.startsWith("mlflow-artifacts:")) {
      this.artifactRoots.set(res.run.info.run_id, proxiedArtifactRoot(res.run.info.artifact_uri));
    }
    return res.run;
  }

  async updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    const body: Record<string, unknown> = { run_id: runId };
    if (input.status !== undefined) body.status = input.status;
    if (input.endTime !== undefined) body.end_time = input.endTime;
    if (input.runName !== undefined) body.run_name = input.runName;
    const res = await this.call<{ run_info: RunInfo }>("POST", "/api/2.0/mlflow/runs/update", { body });
    return res.run_info;
  }

  /** Marks the run finished (or failed) now. */
  async endRun(runId: string, status: RunStatus = "FINISHED"): Promise<RunInfo> {
    return this.updateRun(runId, { status, endTime: Date.now() });
  }

  async getRun(runId: string): Promise<Run> {
    const res = await this.call<{ run: Run }>("GET", "/api/2.0/mlflow/runs/get", { query: { run_id: runId } });
    return res.run;
  }

  async searchRuns(input: SearchRunsInput): Promise<SearchRunsPage> {
    const body: Record<string, unknown> = {
      experiment_ids: input.experimentIds,
      max_results: input.maxResults ?? 1000,
      run_view_type: input.runViewType ?? "ACTIVE_ONLY",
    };
    if (input.filter !== undefined) body.filter = input.filter;
    if (input.orderBy !== undefined) body.order_by = input.orderBy;
    if (input.pageToken !== undefined) body.page_token = input.pageToken;
    const res = await this.call<{ runs?: Run[]; next_page_token?: string }>("POST", "/api/2.0/mlflow/runs/search", {
      body,
    });
    return { runs: res.runs ?? [], nextPageToken: res.next_page_token ?? null };
  }

  /** Every run matching `input`, following page tokens. */
  async searchAllRuns(input: Omit<SearchRunsInput, "pageToken">): Promise<Run[]> {
    const out: Run[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.searchRuns({ ...input, pageToken });
      out.push(...page.runs);
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    const res = await this.call<{ metrics?: Metric[] }>("GET", "/api/2.0/mlflow/metrics/get-history", {
      query: { run_id: runId, metric_key: key, max_results: "25000" },
    });
    return res.metrics ?? [];
  }

  // ---- logging -----------------------------------------------------------------------------

  /**
   * Logs metrics, params and tags in as many requests as MLflow's per-request limits need.
   * Params are immutable per run: logging a different value for a logged key fails with
   * INVALID_PARAMETER_VALUE (log long configs as an artifact and their hash as a param).
   */
  async logBatch(runId: string, input: LogBatchInput): Promise<void> {
    const now = Date.now();
    const metrics: Metric[] = (input.metrics ?? []).map((m, i) => {
      if (typeof m.value !== "number") {
        throw new MlflowError(
          "INVALID_PARAMETER_VALUE",
          0,
          "logBatch",
          `metrics[${i}] (${m.key}): value must be a number, got ${typeof m.value}`,
          1,
        );
      }
      const metric: Metric = {
        key: m.key,
        value: wireValue(m.value),
        timestamp: m.timestamp ?? now,
        step: m.step ?? 0,
      };
      if (m.modelId) metric.model_id = m.modelId;
      return metric;
    });
    for (const chunk of logBatchChunks(metrics, toKeyValues(input.params), toKeyValues(input.tags))) {
      await this.call("POST", "/api/2.0/mlflow/runs/log-batch", { body: { run_id: runId, ...chunk } });
    }
  }

  async logMetric(runId: string, key: string, value: number, step = 0, timestamp = Date.now()): Promise<void> {
    await this.call("POST", "/api/2.0/mlflow/runs/log-metric", {
      body: { run_id: runId, key, value: wireValue(value), step, timestamp },
    });
  }

  async logParam(runId: string, key: string, value: string | number | boolean): Promise<void> {
    await this.call("POST", "/api/2.0/mlflow/runs/log-parameter", {
      body: { run_id: runId, key, value: String(value) },
    });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.call("POST", "/api/2.0/mlflow/runs/set-tag", { body: { run_id: runId, key, value } });
  }

  // ---- logged models (MLflow 3) ----------------------------------------------------------------

  /** Creates a logged model in state PENDING; its files go to its own artifact location. */
  async createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel> {
    const body: Record<string, unknown> = {
      experiment_id: input.experimentId,
      name: input.name,
      params: toKeyValues(input.params),
      tags: toKeyValues(input.tags),
    };
    if (input.sourceRunId) body.source_run_id = input.sourceRunId;
    if (input.modelType) body.model_type = input.modelType;
    const res = await this.call<{ model: LoggedModel }>("POST", "/api/2.0/mlflow/logged-models", { body });
    return res.model;
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    const res = await this.call<{ model: LoggedModel }>(
      "GET",
      `/api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}`,
      {},
    );
    return res.model;
  }

  /** Logged models of the experiments matching `filter` (e.g. `source_run_id = '…' AND name = 'gbm'`), every page. */
  async searchLoggedModels(experimentIds: string[], filter?: string): Promise<LoggedModel[]> {
    const out: LoggedModel[] = [];
    let pageToken: string | undefined;
    do {
      const body: Record<string, unknown> = { experiment_ids: experimentIds, max_results: 100 };
      if (filter) body.filter = filter;
      if (pageToken) body.page_token = pageToken;
      const res = await this.call<{ models?: LoggedModel[]; next_page_token?: string }>(
        "POST",
        "/api/2.0/mlflow/logged-models/search",
        { body },
      );
      out.push(...(res.models ?? []));
      pageToken = res.next_page_token || undefined;
    } while (pageToken);
    return out;
  }

  /** Marks the model READY (its files are complete) or UPLOAD_FAILED. */
  async finalizeLoggedModel(
    modelId: string,
    status: "LOGGED_MODEL_READY" | "LOGGED_MODEL_UPLOAD_FAILED",
  ): Promise<LoggedModel> {
    const res = await this.call<{ model: LoggedModel }>(
      "PATCH",
      `/api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}`,
      { body: { model_id: modelId, status } },
    );
    return res.model;
  }

  /** Records models as outputs of a run (what the run page lists under "Logged models"). */
  async logOutputs(runId: string, models: { modelId: string; step?: number }[]): Promise<void> {
    await this.call("POST", "/api/2.0/mlflow/runs/outputs", {
      body: { run_id: runId, models: models.map((m) => ({ model_id: m.modelId, step: m.step ?? 0 })) },
    });
  }

  /** The run with its outputs (`outputs.model_outputs`), which `getRun` drops from its type. */
  async getRunOutputs(runId: string): Promise<{ model_id: string; step?: number }[]> {
    const res = await this.call<{ run: { outputs?: { model_outputs?: { model_id: string; step?: number }[] } } }>(
      "GET",
      "/api/2.0/mlflow/runs/get",
      { query: { run_id: runId } },
    );
    return res.run.outputs?.model_outputs ?? [];
  }

  /** Uploads one file of a logged model, through the server's artifact proxy, at `path` under its artifact location. */
  async uploadLoggedModelArtifact(
    model: LoggedModel,
    path: string,
    content: Uint8Array | string,
    contentType = "application/octet-stream",
  ): Promise<void> {
    const root = proxiedArtifactRoot(model.info.artifact_uri);
    const body = typeof content === "string" ? new TextEncoder().encode(content) : content;
    await this.call("PUT", `/api/2.0/mlflow-artifacts/artifacts/${encodePath(`${root}/${path}`)}`, {
      raw: body,
      contentType,
    });
  }

  // ---- artifacts (through the server's proxy) -------------------------------------------------

  private async artifactRoot(runId: string): Promise<string> {
    const cached = this.artifactRoots.get(runId);
    if (cached) return cached;
    const root = proxiedArtifactRoot((await this.getRun(runId)).info.artifact_uri);
    this.artifactRoots.set(runId, root);
    return root;
  }

  /** Uploads `content` as the run's artifact at `path` (e.g. `report.html`, `model/model.json`). */
  async uploadArtifact(
    runId: string,
    path: string,
    content: Uint8Array | string,
    contentType = "application/octet-stream",
  ): Promise<void> {
    const root = await this.artifactRoot(runId);
    const body = typeof content === "string" ? new TextEncoder().encode(content) : content;
    await this.call("PUT", `/api/2.0/mlflow-artifacts/artifacts/${encodePath(`${root}/${path}`)}`, {
      raw: body,
      contentType,
    });
  }

  /** Files and directories directly under `path` of the run's artifacts, with paths relative to the artifact root. */
  async listArtifacts(runId: string, path = ""): Promise<ArtifactFile[]> {
    const root = await this.artifactRoot(runId);
    const dir = encodePath(path);
    const res = await this.call<{ files?: ArtifactFile[] }>("GET", "/api/2.0/mlflow-artifacts/artifacts", {
      query: { path: dir ? `${root}/${dir}` : root },
    });
    return (res.files ?? []).map((f) => ({ ...f, path: dir ? `${dir}/${f.path}` : f.path }));
  }

  async downloadArtifact(runId: string, path: string): Promise<Uint8Array> {
    const root = await this.artifactRoot(runId);
    const res = await this.request("GET", `/api/2.0/mlflow-artifacts/artifacts/${encodePath(`${root}/${path}`)}`, {});
    return new Uint8Array(await res.arrayBuffer());
  }

  /**
   * Downloads a file by artifact URI: `runs:/<run>/<path>`, a logged model's `models:/<model_id>/<path>`
   * or the proxied `mlflow-artifacts:/<path>` (what model versions' sources and download URIs hold).
   */
  async downloadArtifactUri(uri: string): Promise<Uint8Array> {
    const run = /^runs:\/([^/]+)\/(.+)$/.exec(uri);
    if (run) return this.downloadArtifact(run[1], run[2]);
    // A logged model (MLflow 3 versions' source): its files are under its own artifact location.
    const logged = /^models:\/(m-[0-9a-f]+)\/(.+)$/.exec(uri);
    if (logged) {
      const root = proxiedArtifactRoot((await this.getLoggedModel(logged[1])).info.artifact_uri);
      const res = await this.request(
        "GET",
        `/api/2.0/mlflow-artifacts/artifacts/${encodePath(`${root}/${logged[2]}`)}`,
        {},
      );
      return new Uint8Array(await res.arrayBuffer());
    }
    const path = proxiedArtifactRoot(uri);
    const res = await this.request("GET", `/api/2.0/mlflow-artifacts/artifacts/${encodePath(path)}`, {});
    return new Uint8Array(await res.arrayBuffer());
  }

  // ---- transport -----------------------------------------------------------------------------

  /**
   * One JSON REST call (with the retries above) for endpoints without a method here, e.g. the
   * model registry (registry.ts). `path` starts with `/api/`.
   */
  async call<T = unknown>(
    method: HttpMethod,
    path: string,
    opts: { query?: Query; body?: unknown; raw?: Uint8Array; contentType?: string },
  ): Promise<T> {
    const res = await this.request(method, path, opts);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** One REST call with retries; resolves with a 2xx response, else throws `MlflowError`. */
  private async request(
    method: HttpMethod,
    path: string,
    opts: { query?: Query; body?: unknown; raw?: Uint8Array; contentType?: string },
  ): Promise<Response> {
    const endpoint = `${method} ${path}`;
    const url = `${this.trackingUri}${path}${opts.query ? `?${new URLSearchParams(opts.query)}` : ""}`;
    const headers: Record<string, string> = {};
    let body: string | Uint8Array | undefined;
    if (opts.raw) {
      body = opts.raw;
      headers["content-type"] = opts.contentType ?? "application/octet-stream";
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["content-type"] = "application/json";
    }
    for (let attempt = 1; ; attempt++) {
      let failure: MlflowError;
      let retryAfterMs: number | null = null;
      try {
        const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
        if (res.ok) return res;
        failure = await errorFromResponse(res, endpoint, attempt);
        retryAfterMs = retryAfter(res);
        if (!isRetryableStatus(res.status)) throw failure;
      } catch (err) {
        if (err instanceof MlflowError) throw err;
        const reason = err instanceof Error ? `${err.name}: ${err.message}${causeOf(err)}` : String(err);
        failure = new MlflowError("NETWORK_ERROR", 0, endpoint, `${reason} (${this.trackingUri})`, attempt);
      }
      if (attempt > this.retries) throw failure;
      const backoff = Math.min(8000, this.backoffMs * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
      await new Promise((r) => setTimeout(r, retryAfterMs ?? backoff));
    }
  }
}

function causeOf(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : "";
}

function retryAfter(res: Response): number | null {
  const header = res.headers.get("retry-after");
  if (!header) return null;
  const secs = Number(header);
  return Number.isFinite(secs) && secs >= 0 ? Math.min(secs * 1000, 30_000) : null;
}

async function errorFromResponse(res: Response, endpoint: string, attempt: number): Promise<MlflowError> {
  const text = await res.text();
  let code = `HTTP_${res.status}`;
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { error_code?: string; message?: string };
    if (parsed.error_code) code = parsed.error_code;
    if (parsed.message) message = parsed.message;
  } catch {
    // Not JSON (a proxy's HTML error page, say): keep the start of the body as the detail.
  }
  return new MlflowError(code, res.status, endpoint, message, attempt);
}
