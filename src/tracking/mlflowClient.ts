/**
 * A small typed client of MLflow's REST API: experiments, runs, logging, MLflow 3 logged models and
 * run artifacts (through the server's proxy). Requests and their retries are in mlflowTransport.ts.
 */
import { logBatchChunks } from "./logBatchChunks";
import { MlflowError } from "./mlflowError";
import { encodePath, MlflowTransport, proxiedArtifactRoot, toKeyValues, wireValue } from "./mlflowTransport";
import type { ArtifactFile, Experiment, LoggedModel, Metric, MetricInput, Run, RunInfo, RunStatus } from "./types";

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

export class MlflowClient extends MlflowTransport {
  private readonly artifactRoots = new Map<string, string>();

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
    await this.putArtifact(proxiedArtifactRoot(model.info.artifact_uri), path, content, contentType);
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
    await this.putArtifact(await this.artifactRoot(runId), path, content, contentType);
  }

  /** Writes one file at `path` under an artifact root (a run's or a logged model's) through the proxy. */
  private async putArtifact(
    root: string,
    path: string,
    content: Uint8Array | string,
    contentType: string,
  ): Promise<void> {
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
}
