/**
 * Replaying a run's outbox (outbox.ts) onto the MLflow server: each entry applied in order,
 * progress recorded after each, so an interrupted replay repeats at most the entry in flight (why
 * that creates no duplicates is told in outbox.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { MlflowClient } from "./mlflowClient";
import { MlflowError, isRetryableStatus } from "./mlflowError";
import type { OutboxEntry, OutboxProgress, OutboxRun } from "./outbox";
import { writeTrials } from "./trials";

/** Tag on every run the recorder creates: finds the server's run for a local id at replay. */
export const LOCAL_RUN_ID_TAG = "wsp.local_run_id";

/** Thrown by `applyEntry` when the server cannot be reached (or keeps failing): retry later. */
export class OutboxUnavailable extends Error {
  override readonly name = "OutboxUnavailable";
}

export function isUnavailable(err: unknown): boolean {
  return err instanceof MlflowError && (err.errorCode === "NETWORK_ERROR" || isRetryableStatus(err.status));
}

function tagFilter(key: string, value: string): string {
  return `tags.\`${key}\` = '${value.replace(/'/g, "\\'")}'`;
}

/** The server's run recorded with `wsp.local_run_id = localId` in the experiment, if any. */
export async function findRunByLocalId(
  client: MlflowClient,
  experimentId: string,
  localId: string,
): Promise<string | null> {
  const page = await client.searchRuns({
    experimentIds: [experimentId],
    filter: tagFilter(LOCAL_RUN_ID_TAG, localId),
    runViewType: "ALL",
    maxResults: 2,
  });
  return page.runs[0]?.info.run_id ?? null;
}

/**
 * The experiment tag MLflow 3's UI reads to choose its layout; without it the UI infers a kind
 * and may open a run-only experiment in its GenAI (traces) mode. `custom_model_development` is
 * the UI's name for model training (its ExperimentKind enum).
 */
export const EXPERIMENT_KIND_TAG = "mlflow.experimentKind";
export const MODEL_TRAINING_KIND = "custom_model_development";

const experimentIds = new WeakMap<MlflowClient, Map<string, string>>();

export async function experimentIdOf(client: MlflowClient, name: string): Promise<string> {
  let cache = experimentIds.get(client);
  if (!cache) experimentIds.set(client, (cache = new Map()));
  const hit = cache.get(name);
  if (hit) return hit;
  const exp = await client.getOrCreateExperiment(name, { [EXPERIMENT_KIND_TAG]: MODEL_TRAINING_KIND });
  // Experiments made before the tag existed (or by another client) are marked once here.
  if (!exp.tags?.some((t) => t.key === EXPERIMENT_KIND_TAG)) {
    await client.setExperimentTag(exp.experiment_id, EXPERIMENT_KIND_TAG, MODEL_TRAINING_KIND);
  }
  cache.set(name, exp.experiment_id);
  return exp.experiment_id;
}

function fromWire(v: number | string): number {
  return typeof v === "number" ? v : Number(v);
}

/**
 * Applies one entry to the server, updating `p` (the caller persists it). Throws
 * `OutboxUnavailable` when the server cannot be reached or a parent run is not on it yet; any
 * other error is the server refusing the entry.
 */
export async function applyEntry(
  client: MlflowClient,
  run: OutboxRun,
  entry: OutboxEntry,
  p: OutboxProgress,
): Promise<void> {
  try {
    if (entry.op === "start") {
      if (p.serverRunId) return;
      const experimentId = await experimentIdOf(client, entry.experiment);
      let parentId = entry.parentRunId ?? null;
      if (entry.parentLocalId) {
        parentId = await findRunByLocalId(client, experimentId, entry.parentLocalId);
        if (!parentId) throw new OutboxUnavailable(`parent run ${entry.parentLocalId} is not on the server yet`);
      }
      const unsent = run.startUnsent;
      run.startUnsent = false;
      let runId = unsent ? null : await findRunByLocalId(client, experimentId, entry.localId);
      if (!runId) {
        const tags: Record<string, string> = { ...entry.tags, [LOCAL_RUN_ID_TAG]: entry.localId };
        if (parentId) tags["mlflow.parentRunId"] = parentId;
        runId = (await client.createRun({ experimentId, runName: entry.runName, startTime: entry.startTime, tags }))
          .info.run_id;
      }
      p.serverRunId = runId;
      p.experimentId = experimentId;
      return;
    }
    if (entry.op === "trials") {
      if (entry.trials) await writeTrials(client, entry.experiment, entry.trials);
      return;
    }
    const runId = p.serverRunId;
    if (!runId) throw new Error(`${run.entriesPath}: entry "${entry.op}" before the run was created`);
    switch (entry.op) {
      case "params":
        await client.logBatch(runId, { params: entry.params });
        return;
      case "tags":
        await client.logBatch(runId, { tags: entry.tags });
        return;
      case "metrics":
        await client.logBatch(runId, {
          metrics: entry.metrics.map((m) => ({
            key: m.key,
            value: fromWire(m.value),
            step: m.step,
            timestamp: m.timestamp,
          })),
        });
        return;
      case "artifact":
        await client.uploadArtifact(
          runId,
          entry.path,
          new Uint8Array(readFileSync(join(run.dir, "artifacts", entry.path))),
          entry.contentType,
        );
        return;
      case "logged_model":
        await applyLoggedModel(
          client,
          run,
          entry,
          runId,
          p.experimentId ?? (await client.getRun(runId)).info.experiment_id,
        );
        return;
      case "logged_model_files":
        await applyLoggedModelFiles(
          client,
          run,
          entry,
          runId,
          p.experimentId ?? (await client.getRun(runId)).info.experiment_id,
        );
        return;
      case "end":
        await client.updateRun(runId, { status: entry.status, endTime: entry.endTime });
        return;
    }
  } catch (err) {
    if (isUnavailable(err)) throw new OutboxUnavailable((err as Error).message);
    throw err;
  }
}

/**
 * The steps of a `logged_model` entry, each safe to repeat: the model is looked up by source run
 * and name before it is created; uploads are PUTs; metrics already held are dropped by MLflow;
 * the run output is added only when missing; finalizing twice is harmless. The `MLmodel` file
 * gets the ids only known now (the model's and the run's), as MLflow's own writer records them.
 */
async function applyLoggedModel(
  client: MlflowClient,
  run: OutboxRun,
  entry: Extract<OutboxEntry, { op: "logged_model" }>,
  runId: string,
  experimentId: string,
): Promise<void> {
  const found = await client.searchLoggedModels(
    [experimentId],
    `source_run_id = '${runId}' AND name = '${entry.name.replace(/'/g, "\\'")}'`,
  );
  const model =
    found[0] ??
    (await client.createLoggedModel({
      experimentId,
      name: entry.name,
      sourceRunId: runId,
      modelType: entry.modelType,
      params: entry.params,
      tags: entry.tags,
    }));
  const id = model.info.model_id;
  if (model.info.status !== "LOGGED_MODEL_READY") {
    for (const f of entry.files) {
      let content: Uint8Array = new Uint8Array(readFileSync(join(run.dir, "models", entry.name, f.path)));
      if (f.path === "MLmodel") {
        const ids = `artifact_path: ${model.info.artifact_uri}\nmodel_id: ${id}\nmodel_uuid: ${id}\nrun_id: ${runId}\n`;
        content = Buffer.concat([content, Buffer.from(ids)]);
      }
      await client.uploadLoggedModelArtifact(model, f.path, content, f.contentType);
    }
  }
  if (entry.metrics.length > 0) {
    await client.logBatch(runId, {
      metrics: entry.metrics.map((m) => ({
        key: m.key,
        value: fromWire(m.value),
        step: m.step,
        timestamp: m.timestamp,
        modelId: id,
      })),
    });
  }
  if (!(await client.getRunOutputs(runId)).some((o) => o.model_id === id)) {
    await client.logOutputs(runId, [{ modelId: id }]);
  }
  if (model.info.status !== "LOGGED_MODEL_READY") await client.finalizeLoggedModel(id, "LOGGED_MODEL_READY");
}

/** Uploads more files of a logged model of the run, found by source run and name (PUTs: safe to repeat). */
async function applyLoggedModelFiles(
  client: MlflowClient,
  run: OutboxRun,
  entry: Extract<OutboxEntry, { op: "logged_model_files" }>,
  runId: string,
  experimentId: string,
): Promise<void> {
  const found = await client.searchLoggedModels(
    [experimentId],
    `source_run_id = '${runId}' AND name = '${entry.name.replace(/'/g, "\\'")}'`,
  );
  if (!found[0])
    throw new Error(`${run.entriesPath}: files for logged model ${entry.name}, which run ${runId} has not logged`);
  for (const f of entry.files) {
    const content = new Uint8Array(readFileSync(join(run.dir, "models", entry.name, f.path)));
    await client.uploadLoggedModelArtifact(found[0], f.path, content, f.contentType);
  }
}

export interface DrainResult {
  /** Every entry written so far is on the server (or refused). */
  drained: boolean;
  /** The run's last entry is its end and everything is drained: the directory can go. */
  complete: boolean;
  serverRunId: string | null;
  applied: number;
  /** Entries refused in this drain. */
  rejected: OutboxProgress["rejected"];
  /** Why draining stopped early, when it did. */
  unavailable: string | null;
}

/**
 * Applies the entries not yet on the server, in order, recording progress after each. Stops at
 * the first `OutboxUnavailable`; an entry the server refuses is recorded in `rejected` and skipped
 * (retrying it unchanged can never succeed), so one bad metric does not hold back the run.
 */
export async function drainOutboxRun(client: MlflowClient, run: OutboxRun): Promise<DrainResult> {
  const entries = run.entries();
  const p = run.progress();
  const rejected: OutboxProgress["rejected"] = [];
  let unavailable: string | null = null;
  while (p.applied < entries.length) {
    const entry = entries[p.applied];
    try {
      await applyEntry(client, run, entry, p);
    } catch (err) {
      if (err instanceof OutboxUnavailable) {
        unavailable = err.message;
        break;
      }
      if (entry.op === "start") throw err;
      const r = { index: p.applied, op: entry.op, error: err instanceof Error ? err.message : String(err) };
      p.rejected.push(r);
      rejected.push(r);
    }
    p.applied++;
    run.writeProgress(p);
  }
  const drained = p.applied >= entries.length;
  return {
    drained,
    complete: drained && entries[entries.length - 1]?.op === "end",
    serverRunId: p.serverRunId,
    applied: p.applied,
    rejected,
    unavailable,
  };
}
