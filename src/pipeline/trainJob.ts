/**
 * A queued `train` job: `wsp run` with tracking, made idempotent by its content key (jobKey.ts).
 * Before any work, the job's runs are looked up by their tag `wsp.job_id`: a FINISHED one is the
 * job's result (a duplicate submission, a scheduler firing twice, a retry after the worker died
 * between ending the run and completing the job), and RUNNING ones are earlier attempts that
 * died or stalled, ended KILLED (tracking/jobRuns.ts) before the run starts again. So however
 * often a job is retried, one FINISHED run carries its key.
 *
 * A run that went to the outbox (MLflow stopped answering mid-run) has no server id a sweep's
 * select or a user could open: the job replays the outbox at once, and if the server is still
 * away it fails the attempt; the retry replays the outbox before its lookup, finds the run by its
 * key and returns it, without training again.
 */
import { join } from "node:path";
import { ownChecksVerdict } from "../promotion";
import { findRepoRoot, isMlflowHealthy, trackingUri as defaultTrackingUri } from "../services";
import {
  abandonedJobRunIds,
  endAbandonedJobRuns,
  jobRunsOf,
  MlflowClient,
  RUN_TAGS,
  syncOutbox,
  tagRecord,
} from "../tracking";
import type { LoadedConfig } from "./config";
import { parentMetrics } from "./recordSteps";
import { runTracked, runUrlOf, type TrackOptions } from "./trackExperiment";

/** The figures a job's result carries (the run has them all). */
export const JOB_SUMMARY_METRICS = [
  "oos_auc",
  "oos_logloss",
  "holdout_auc",
  "sharpe",
  "deflated_sharpe",
  "trials",
  "gates_passed",
] as const;

export interface TrainJobOptions extends TrackOptions {
  /** The job's content key, tagged `wsp.job_id` on its run. */
  jobId: string;
}

export interface TrainJobResult {
  runId: string;
  runUrl: string | null;
  /** True when a FINISHED run with the key existed and nothing was run. */
  reused: boolean;
  /** Earlier attempts' runs, ended KILLED as abandoned (by an attempt of this job or by its outbox replay). */
  killed: string[];
  /** The runner's own checks (`wsp.gates`). */
  gates: string | null;
  metrics: Partial<Record<(typeof JOB_SUMMARY_METRICS)[number], number | null>>;
}

function summaryOf(all: Record<string, number>): TrainJobResult["metrics"] {
  const out: TrainJobResult["metrics"] = {};
  for (const k of JOB_SUMMARY_METRICS) {
    const v = all[k];
    if (v !== undefined) out[k] = Number.isFinite(v) ? v : null;
  }
  return out;
}

/** Ends the job's abandoned runs; returns its FINISHED run if there is one, else runs it. */
export async function runTrainJob(loaded: LoadedConfig, opts: TrainJobOptions): Promise<TrainJobResult> {
  const uri = opts.trackingUri ?? defaultTrackingUri();
  // Without the server the job's earlier runs cannot be checked, and running blind could record
  // the work twice: fail this attempt (the queue retries it with backoff).
  if (!(await isMlflowHealthy(uri, 5000))) {
    throw new Error(`MLflow at ${uri} does not answer: cannot check job ${opts.jobId}'s earlier runs; retried later`);
  }
  const client = new MlflowClient({ trackingUri: uri, retries: 3, backoffMs: 200 });
  const outboxDir = opts.outboxDir ?? join(findRepoRoot(), "mlruns", "outbox");
  const lookup = async () => {
    const experiment = await client.getExperimentByName(loaded.config.tracking.experiment);
    return { experiment, runs: experiment ? await jobRunsOf(client, experiment.experiment_id, opts.jobId) : [] };
  };
  // The job's own dead attempts first (so the result names them), then the outbox: an earlier
  // attempt's run recorded there while MLflow was away reaches the server, and the lookup sees it.
  await endAbandonedJobRuns(client, (await lookup()).runs, opts.jobId);
  await syncOutbox(client, outboxDir);
  const { experiment, runs } = await lookup();
  // An outbox replay can bring a dead attempt's run in RUNNING; the ids come from the runs, so an
  // earlier attempt that ended one and then failed is still named.
  await endAbandonedJobRuns(client, runs, opts.jobId);
  const killed = abandonedJobRunIds((await lookup()).runs);
  const finished = runs.find((r) => r.info.status === "FINISHED");
  if (finished && experiment) {
    const metrics = Object.fromEntries((finished.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));
    return {
      runId: finished.info.run_id,
      runUrl: runUrlOf(uri, experiment.experiment_id, finished.info.run_id),
      reused: true,
      killed,
      gates: tagRecord(finished.data.tags)[RUN_TAGS.runChecks] ?? null,
      metrics: summaryOf(metrics),
    };
  }
  const run = await runTracked(loaded, { ...opts, trackingUri: uri, outboxDir });
  const runId = run.offline ? await replayed(client, outboxDir, run.runId, opts.jobId) : run.runId;
  const runUrl = run.offline ? runUrlOf(uri, (await client.getRun(runId)).info.experiment_id, runId) : run.runUrl;
  return {
    runId,
    runUrl,
    reused: false,
    killed,
    gates: ownChecksVerdict(run.result.gates),
    metrics: summaryOf(parentMetrics(run.result)),
  };
}

/** The server id of the outbox run `localId` once replayed; throws (the attempt fails, its retry finds the run) when it cannot be. */
async function replayed(client: MlflowClient, outboxDir: string, localId: string, jobId: string): Promise<string> {
  const synced = (await syncOutbox(client, outboxDir)).find((r) => r.localId === localId);
  if (synced?.state === "synced" && synced.serverRunId) return synced.serverRunId;
  throw new Error(
    `job ${jobId}: MLflow stopped answering during the run, which waits in the outbox as ${localId} (${synced?.reason ?? "not replayed"}); the retry replays it and returns it`,
  );
}
