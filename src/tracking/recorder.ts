/**
 * The recorder: the one way the workspace writes to MLflow (after Qlib's recorder). Every write
 * goes first to the run's outbox (mlruns/outbox/<localId>/, see outbox.ts) and then, while the
 * server answers, straight on to MLflow. When the server is unreachable at start or goes down
 * mid-run, the run carries on into the outbox and `wsp mlflow sync` (`syncOutbox`) replays it.
 *
 * Example (the experiment runner):
 * ```ts
 * const recorder = await openRecorder();                  // MLFLOW_TRACKING_URI or the local server
 * const parent = await recorder.startRun({ experiment: "spy-daily", runName: "spy-daily-gbm @ …",
 *   tags: { config_hash: "…", git_commit: "…" } });
 * await parent.logParams(flattenParams(config));          // models.0.params.max_depth = "5"
 * const gbm = await recorder.startRun({ experiment: "spy-daily", runName: "gbm", tags: {},
 *   parentRunId: parent.runId });
 * await gbm.logMetricSeries("oos_auc", foldAucs);         // steps 0..n-1
 * await gbm.logJsonArtifact("model/model.json", modelJson);
 * await gbm.end("FINISHED");
 * const ledger = await parent.recordTrials(trialEntries); // the experiment's trial ledger (for DSR)
 * await parent.logMetrics({ "gbm.oos_auc": 0.53, deflated_sharpe: 0.41 });
 * await parent.setTags({ "wsp.promote_model": "ensemble" });
 * await parent.end("FINISHED");                           // or end("FAILED", err)
 * console.log(parent.uiUrl ?? `queued in the outbox: ${parent.localId}`);
 * ```
 * The recorder never throws because the server is down. It throws when the server refuses a
 * write (a changed param value, a key too long): those are bugs in the caller; `end()` still
 * ends the run and lists the refusals in its result. Sweeps and searches record their variants
 * in the same ledger with `recorder.recordTrials(experiment, entries)` (see trials.ts).
 *
 * Every run carries the tags `wsp.pid` and `wsp.host` of the process recording it, so a run left
 * RUNNING by a killed process can be found and ended KILLED (abandonedRuns.ts).
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { MAX_KEY_LENGTH, MAX_PARAM_VALUE_LENGTH, MAX_TAG_VALUE_LENGTH } from "./flattenParams";
import { MlflowClient } from "./mlflowClient";
import { wireValue } from "./mlflowTransport";
import { findRepoRoot, isMlflowHealthy, trackingUri as defaultTrackingUri } from "../services";
import { type OutboxEntry, OutboxRun } from "./outbox";
import { drainOutboxRun, type DrainResult } from "./outboxReplay";
import { ledgerOf, TRIAL_PREFIX, type TrialEntry, type TrialLedger, writeTrials } from "./trials";
import type { Metric, RunStatus } from "./types";

export interface RecorderOptions {
  /** Default: `MLFLOW_TRACKING_URI`, else the local server's address (see `trackingUri()`). */
  trackingUri?: string;
  /** Default: `<repo>/mlruns/outbox`. */
  outboxDir?: string;
  /** A client to use (tests pass one with short backoff); built from `trackingUri` otherwise. */
  client?: MlflowClient;
}

export interface StartRunInput {
  experiment: string;
  runName: string;
  tags?: Record<string, string>;
  /** `runId` (or `localId`) of a run started by this recorder, or an MLflow run id. */
  parentRunId?: string;
}

export interface LogModelInput {
  /** The model's name, unique within the run (e.g. `gbm`, `ensemble`). */
  name: string;
  /** MLflow's free-form model type, e.g. `classifier`. */
  modelType: string;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  /** Paths relative to the model directory: `MLmodel`, `model.json`, `code/…`. */
  files: { path: string; content: string | Uint8Array }[];
  /** Values the run logged for this model (same keys), linked to the model as well. */
  metrics?: Record<string, number>;
  /** The timestamp the run logged `metrics` with, so MLflow keeps one value per key. */
  metricsTimestamp?: number;
}

export interface EndResult {
  /** The run is complete on the server; its outbox directory has been removed. */
  synced: boolean;
  /** The MLflow run id, or null while the run exists only in the outbox. */
  serverRunId: string | null;
  /** Writes the server refused during the run (also in `progress.json` until synced). */
  rejected: { index: number; op: string; error: string }[];
}

/** Tag of a failed run: the error's name and message. */
export const ERROR_TAG = "wsp.error";
/** Tags naming the process that records a run (abandonedRuns.ts checks whether it still lives). */
export const PID_TAG = "wsp.pid";
export const HOST_TAG = "wsp.host";

function newLocalId(): string {
  return `local-${randomUUID().replace(/-/g, "")}`;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function checkKey(key: string, what: string): void {
  if (!key || key.length > MAX_KEY_LENGTH) {
    throw new Error(`${what} key "${key.slice(0, 60)}…": expected 1..${MAX_KEY_LENGTH} characters, got ${key.length}`);
  }
}

export class Recorder {
  /** Whether the last contact with the server succeeded; new runs re-check when it did not. */
  online: boolean;
  private readonly runs = new Map<string, RunRecorder>();

  constructor(
    readonly client: MlflowClient,
    readonly outboxDir: string,
    online: boolean,
  ) {
    this.online = online;
  }

  /**
   * Starts a run. With the server up the run is created on it now and `runId` is MLflow's id;
   * otherwise `runId` is the local id until `wsp mlflow sync` creates the run. A child whose
   * parent is only in the outbox stays in the outbox too (it needs the parent's server id).
   */
  async startRun(input: StartRunInput): Promise<RunRecorder> {
    if (!input.experiment) throw new Error("startRun: experiment must be a non-empty name");
    const tags = { ...input.tags, [PID_TAG]: String(process.pid), [HOST_TAG]: hostname() };
    for (const k of Object.keys(tags)) checkKey(k, "tag");
    const parent = input.parentRunId ? this.runs.get(input.parentRunId) : undefined;
    const localId = newLocalId();
    const start: Extract<OutboxEntry, { op: "start" }> = {
      op: "start",
      localId,
      experiment: input.experiment,
      runName: input.runName,
      tags,
      startTime: Date.now(),
    };
    // A parent already on the server is named by its MLflow id: replaying the child then needs no
    // search for the parent's local id.
    if (parent?.serverRunId) start.parentRunId = parent.serverRunId;
    else if (parent) start.parentLocalId = parent.localId;
    else if (input.parentRunId) start.parentRunId = input.parentRunId;
    const outbox = OutboxRun.create(this.outboxDir, start);
    const run = new RunRecorder(this, outbox, input.experiment);
    if (!this.online) this.online = await isMlflowHealthy(this.client.trackingUri, 1000);
    if (this.online && (!parent || parent.serverRunId)) {
      try {
        await run.flush();
      } catch (err) {
        // The server refused the run itself: replaying it later would be refused the same way.
        outbox.remove();
        throw err;
      }
    } else {
      run.offline = true;
    }
    this.runs.set(localId, run);
    if (run.serverRunId) this.runs.set(run.serverRunId, run);
    return run;
  }

  private get trialsCachePath(): string {
    return join(this.outboxDir, "trials-cache.json");
  }

  /** The cache's key: the same experiment name on another server is another experiment. */
  private trialsCacheKey(experiment: string): string {
    return `${this.client.trackingUri} ${experiment}`;
  }

  /** The experiment's trial ledger as last read from this server (tag key → JSON value). */
  cachedLedger(experiment: string): Record<string, string> {
    try {
      const all = JSON.parse(readFileSync(this.trialsCachePath, "utf8")) as Record<string, Record<string, string>>;
      const entries = all[this.trialsCacheKey(experiment)];
      return entries && typeof entries === "object" ? entries : {};
    } catch {
      return {};
    }
  }

  cacheLedger(experiment: string, ledger: Iterable<TrialEntry>): void {
    let all: Record<string, Record<string, string>> = {};
    try {
      all = JSON.parse(readFileSync(this.trialsCachePath, "utf8"));
    } catch {
      // No cache yet (or a torn one): start afresh.
    }
    all[this.trialsCacheKey(experiment)] = Object.fromEntries([...ledger].map((e) => [e.key, e.value]));
    mkdirSync(this.outboxDir, { recursive: true });
    const tmp = `${this.trialsCachePath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all));
    renameSync(tmp, this.trialsCachePath);
  }

  /** Sends the ended runs of this recorder still in the outbox, parents first (used after a run went through). */
  async flushEnded(): Promise<void> {
    const pending = [...new Set(this.runs.values())].filter((r) => !r.done);
    for (const run of pending) await run.retryEnded();
  }

  /**
   * Writes trials to `experiment`'s ledger outside any run (a sweep's or a search's variants) and
   * returns the ledger. Needs the server (no outbox): sweeps run against it.
   */
  async recordTrials(experiment: string, entries: readonly TrialEntry[]): Promise<TrialLedger> {
    return (await writeTrials(this.client, experiment, entries)).ledger;
  }
}

export class RunRecorder {
  /** True once the run writes only to the outbox (server down at start or since). */
  offline = false;
  private serverId: string | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private ended = false;
  private readonly rejectedSoFar: EndResult["rejected"] = [];

  constructor(
    private readonly recorder: Recorder,
    readonly outbox: OutboxRun,
    readonly experiment: string,
  ) {}

  get localId(): string {
    return this.outbox.localId;
  }

  /** MLflow's run id when the server took the run, else null. */
  get serverRunId(): string | null {
    return this.serverId;
  }

  /** MLflow's run id when the server has the run, else the local id (`local-…`). */
  get runId(): string {
    return this.serverId ?? this.localId;
  }

  /** The run's page in the MLflow UI, once the server has the run; else null. */
  get uiUrl(): string | null {
    const experimentId = this.outbox.progress().experimentId;
    if (!this.serverId || !experimentId) return null;
    return `${this.recorder.client.trackingUri}/#/experiments/${experimentId}/runs/${this.serverId}`;
  }

  /**
   * Logs flat params (see `flattenParams`). A value over MLflow's 6000-character limit is logged
   * as `sha256:<hex>` and its full text as the artifact `params/<key>.txt`.
   */
  async logParams(params: Record<string, string | number | boolean>): Promise<void> {
    const flat: Record<string, string> = {};
    for (const [key, raw] of Object.entries(params)) {
      checkKey(key, "param");
      const value = String(raw);
      if (value.length > MAX_PARAM_VALUE_LENGTH) {
        this.write(this.outbox.storeArtifact(`params/${key}.txt`, value));
        flat[key] = `sha256:${sha256(value)}`;
      } else {
        flat[key] = value;
      }
    }
    this.write({ op: "params", params: flat });
    await this.flush();
  }

  /** Logs each metric of `record` at `step` (default 0), all with the same timestamp. */
  async logMetrics(record: Record<string, number>, step = 0, timestamp = Date.now()): Promise<void> {
    const metrics: Metric[] = Object.entries(record).map(([key, value]) => {
      checkKey(key, "metric");
      if (typeof value !== "number") throw new Error(`metric "${key}": expected a number, got ${typeof value}`);
      return { key, value: wireValue(value), step, timestamp };
    });
    this.write({ op: "metrics", metrics });
    await this.flush();
  }

  /** Logs `values[i]` of one metric at step `steps[i]` (default i): per-fold or per-window series. */
  async logMetricSeries(key: string, values: ArrayLike<number>, steps?: ArrayLike<number>): Promise<void> {
    checkKey(key, "metric");
    if (steps && steps.length !== values.length) {
      throw new Error(`metric series "${key}": ${values.length} values but ${steps.length} steps`);
    }
    const timestamp = Date.now();
    const metrics: Metric[] = [];
    for (let i = 0; i < values.length; i++) {
      const step = steps ? steps[i] : i;
      if (!Number.isInteger(step))
        throw new Error(`metric series "${key}": steps[${i}] must be an integer, got ${step}`);
      metrics.push({ key, value: wireValue(values[i]), step, timestamp });
    }
    this.write({ op: "metrics", metrics });
    await this.flush();
  }

  async setTags(record: Record<string, string>): Promise<void> {
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(record)) {
      checkKey(key, "tag");
      if (value.length > MAX_TAG_VALUE_LENGTH) {
        throw new Error(`tag "${key}": value of ${value.length} characters exceeds MLflow's ${MAX_TAG_VALUE_LENGTH}`);
      }
      tags[key] = String(value);
    }
    this.write({ op: "tags", tags });
    await this.flush();
  }

  /** Stores `content` as the artifact `relativePath` (e.g. `report.html`, `model/model.json`). */
  async logArtifact(relativePath: string, content: string | Uint8Array): Promise<void> {
    this.write(this.outbox.storeArtifact(relativePath, content));
    await this.flush();
  }

  /**
   * Logs an MLflow 3 logged model with this run as its source: `files` (an `MLmodel` among them)
   * go to the model's own artifact location, `metrics` (the run's values for this model, logged
   * already) are linked to it, and the run lists it as an output. Offline it waits in the outbox
   * like every other write; `name` must be unique within the run.
   */
  async logModel(input: LogModelInput): Promise<void> {
    checkKey(input.name, "model name");
    if (!input.files.some((f) => f.path === "MLmodel")) throw new Error(`logModel ${input.name}: no MLmodel file`);
    const timestamp = input.metricsTimestamp ?? Date.now();
    const metrics: Metric[] = Object.entries(input.metrics ?? {}).map(([key, value]) => {
      checkKey(key, "metric");
      return { key, value: wireValue(value), step: 0, timestamp };
    });
    this.write({
      op: "logged_model",
      name: input.name,
      modelType: input.modelType,
      params: input.params ?? {},
      tags: input.tags ?? {},
      files: input.files.map((f) => this.outbox.storeModelFile(input.name, f.path, f.content)),
      metrics,
    });
    await this.flush();
  }

  /**
   * Adds `files` to the logged model `name` this run logged already (`logModel`), beside its own
   * files: what a later record step derives for each model (its drift reference profile). The
   * upload replaces a file of the same path; offline it waits in the outbox after the model.
   */
  async logModelFiles(name: string, files: { path: string; content: string | Uint8Array }[]): Promise<void> {
    checkKey(name, "model name");
    this.write({
      op: "logged_model_files",
      name,
      files: files.map((f) => this.outbox.storeModelFile(name, f.path, f.content)),
    });
    await this.flush();
  }

  async logJsonArtifact(relativePath: string, value: unknown): Promise<void> {
    await this.logArtifact(relativePath, `${JSON.stringify(value, null, 2)}\n`);
  }

  /**
   * Writes the trials this run evaluated to its experiment's ledger and returns the ledger (the
   * deflated Sharpe's count and Sharpe dispersion). Tags the run `wsp.trial_ids` with their keys.
   * While offline the ledger is an estimate, and the run is tagged `wsp.trials_estimated`: the
   * ledger as last seen from the server (cached in `<outbox>/trials-cache.json`, so a later
   * process knows it too) plus this run's trials. Trials recorded elsewhere meanwhile are missing
   * from it, so an offline deflated Sharpe can be too kind; `wsp promote` recomputes it from the
   * synced ledger.
   */
  async recordTrials(entries: readonly TrialEntry[]): Promise<TrialLedger> {
    this.write({
      op: "tags",
      tags: { "wsp.trial_ids": entries.map((e) => e.key.slice(e.key.lastIndexOf(".") + 1)).join(",") },
    });
    this.write({ op: "trials", experiment: this.experiment, trials: [...entries] });
    await this.flush();
    if (!this.offline) {
      try {
        const exp = await this.recorder.client.getExperimentByName(this.experiment);
        if (exp) {
          const ledger = (exp.tags ?? []).filter((t) => t.key.startsWith(TRIAL_PREFIX));
          this.recorder.cacheLedger(this.experiment, ledger);
          return ledgerOf(ledger);
        }
      } catch {
        // Went down just now: estimate below.
      }
    }
    this.write({ op: "tags", tags: { "wsp.trials_estimated": "true" } });
    await this.flush();
    const cached = Object.entries(this.recorder.cachedLedger(this.experiment)).map(([key, value]) => ({ key, value }));
    return ledgerOf([...cached, ...entries]);
  }

  /**
   * Ends the run. With an error the run is FAILED, the message goes to the tag `wsp.error` and
   * the stack to the artifact `error.txt`. Flushes what the server can take; the outbox
   * directory is removed once the server holds the whole run.
   */
  async end(status: "FINISHED" | "FAILED", error?: unknown): Promise<EndResult> {
    if (this.ended) throw new Error(`run ${this.runId} already ended`);
    if (error !== undefined) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const stack = error instanceof Error && error.stack ? error.stack : message;
      this.write({ op: "tags", tags: { [ERROR_TAG]: message.slice(0, MAX_TAG_VALUE_LENGTH) } });
      this.write(this.outbox.storeArtifact("error.txt", `${stack}\n`));
    }
    this.write({ op: "end", status: status as RunStatus, endTime: Date.now() });
    this.ended = true;
    if (this.offline && (await isMlflowHealthy(this.recorder.client.trackingUri, 1000))) this.offline = false;
    try {
      await this.flush();
    } catch {
      // A refused entry is in `rejected` and was skipped; ending the run must not fail for it.
    }
    const synced = this.settle();
    // Runs of this recorder that ended while they could not be sent (a child whose parent was
    // only in the outbox, say) go now that this one went through.
    if (synced) await this.recorder.flushEnded();
    return { synced, serverRunId: this.serverId, rejected: [...this.rejectedSoFar] };
  }

  /** Once ended: removes the outbox when the server holds the whole run, else releases it to `wsp mlflow sync`. */
  private settle(): boolean {
    const applied = this.outbox.progress().applied;
    const synced = applied >= this.outbox.entries().length;
    if (synced) this.outbox.remove();
    else this.outbox.unlock();
    this.done = synced;
    return synced;
  }

  /** True once the run has ended and the server holds all of it. */
  done = false;

  /** Retries sending an ended run that was left in the outbox; true when it is now complete. */
  async retryEnded(): Promise<boolean> {
    if (!this.ended || this.done || !this.outbox.tryLock()) return this.done;
    this.offline = false;
    try {
      await this.flush();
    } catch {
      // Refusals are recorded in `rejected`.
    }
    return this.settle();
  }

  private write(entry: OutboxEntry): void {
    if (this.ended) {
      throw new Error(`run ${this.runId} has ended; no more writes`);
    }
    this.outbox.append(entry);
  }

  /**
   * Sends the outbox's pending entries unless the run is offline; serialised per run so calls
   * made without awaiting keep their order. Refusals by the server are thrown to the caller.
   */
  flush(): Promise<DrainResult | null> {
    const next = this.chain.then(async () => {
      if (this.offline) return null;
      const result = await drainOutboxRun(this.recorder.client, this.outbox);
      if (result.serverRunId) this.serverId = result.serverRunId;
      if (result.unavailable) {
        this.offline = true;
        this.recorder.online = false;
      } else {
        this.recorder.online = true;
      }
      this.rejectedSoFar.push(...result.rejected);
      if (result.rejected.length > 0) {
        const r = result.rejected[0];
        throw new Error(`MLflow refused ${r.op} of run ${this.runId}: ${r.error}`);
      }
      return result;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/**
 * Opens the recorder on `trackingUri` (default `MLFLOW_TRACKING_URI`, else the local server).
 * Never fails because the server is down: runs then go to the outbox.
 */
export async function openRecorder(opts: RecorderOptions = {}): Promise<Recorder> {
  const client =
    opts.client ??
    new MlflowClient({ trackingUri: opts.trackingUri ?? defaultTrackingUri(), retries: 3, backoffMs: 200 });
  const outboxDir = opts.outboxDir ?? join(findRepoRoot(), "mlruns", "outbox");
  return new Recorder(client, outboxDir, await isMlflowHealthy(client.trackingUri, 2000));
}
