/**
 * `wsp run` with tracking: abandoned runs of this host in its experiment ended KILLED first
 * (abandonedRuns.ts), a parent MLflow run "<name>-<short hash>" opened before the pipeline (so
 * a failure is recorded as FAILED with its error), the run's trials written to the experiment's
 * ledger and the ledger fed to the deflated Sharpe, then the report made and the record steps
 * run (recordSteps.ts: metrics and tags, logged models, predictions, artifacts, the report, the
 * child runs), all through the recorder (src/tracking/recorder.ts), which queues everything in
 * mlruns/outbox/ when MLflow is down.
 *
 * Runs carry MLflow's standard tags (`mlflow.source.*`, `mlflow.user`; the parent's summary as
 * `mlflow.note.content`, the run page's description).
 *
 * Promotion reads two tags of the parent: `wsp.promote_model` (the variant to register:
 * "ensemble" or a model name, logged as the run's logged model of that name) and `wsp.model_name`
 * (the registered model name: tracking.model_name, default the experiment name), and what its
 * checks need: `wsp.control` (`shuffled_labels`, or `none` when the config switched the control
 * off), `wsp.holdout.start` / `wsp.holdout.end` (the final holdout's window, for the holdout
 * ledger), and as metrics the deflated Sharpe's inputs per basis (`sharpe_inputs.<basis>.*`,
 * `trials.sharpe_variance.<basis>`), so promotion can recompute it with the ledger of its day.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { hostname, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { type AbandonedSweep, endAbandonedRuns, flattenParams, JOB_ID_TAG, RUN_TAGS, openRecorder } from "../tracking";
import { chromiumMissing, renderPng } from "../viz";
import type { LoadedConfig } from "./config";
import { experimentFigures, experimentSummary, type NamedFigure, reportHtml } from "./experimentReport";
import { codeVersion, git } from "./provenance";
import { parentMetrics, type Recording, type RecordStep, recordRun } from "./recordSteps";
import { type ExperimentResult, type RunHooks, refuseSweep, runExperiment } from "./runExperiment";

export { noteOf } from "./recordSteps";

export interface TrackOptions extends RunHooks {
  /** Job id when the run comes from a queued job (tag `wsp.job_id`). */
  jobId?: string;
  /** Tracking server (default MLFLOW_TRACKING_URI, else the local server). */
  trackingUri?: string;
  /** Outbox directory of the recorder (default `<repo>/mlruns/outbox`). */
  outboxDir?: string;
  /** Render PNGs of the key figures when Chromium is present (default true). */
  png?: boolean;
  /** The record steps to run (default RECORD_STEPS): a test leaves one out to record a run as older code did. */
  steps?: readonly RecordStep[];
}

export interface TrackedRun {
  result: ExperimentResult;
  runId: string;
  /** MLflow UI address of the parent run; null while it exists only in the outbox. */
  runUrl: string | null;
  /** True when the run went to the outbox (MLflow unreachable); `wsp mlflow sync` replays it. */
  offline: boolean;
  summary: string;
  /** Runs of dead processes on this host in this experiment ended KILLED, and stale outbox locks cleared, before this run. */
  abandoned: AbandonedSweep;
  /** Why the PNG renderings were skipped although asked for (no Chromium); null otherwise. */
  pngSkipped: string | null;
  /** Seconds spent writing to MLflow, and rendering figures and pages. */
  trackingSeconds: number;
  reportSeconds: number;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}

/**
 * MLflow's standard run tags, as its Python client sets them: where the run came from (a queued
 * job or a local command), the code's commit, who ran it.
 */
function sourceTags(configFile: string, commit: string | null, jobId: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {
    "mlflow.source.name": `wsp run ${configFile}`,
    "mlflow.source.type": jobId ? "JOB" : "LOCAL",
    "mlflow.user": currentUser(),
  };
  if (commit) tags["mlflow.source.git.commit"] = commit;
  return tags;
}

/**
 * The run's name: the config's name and a short random hash (seven hex digits, as a git short
 * hash), so runs stay distinct at the width of the UI's run column; the start time is a column.
 */
export function runNameOf(configName: string): string {
  return `${configName}-${randomBytes(4).toString("hex").slice(0, 7)}`;
}

export function runUrlOf(trackingUri: string, experimentId: string, runId: string): string {
  return `${trackingUri.replace(/\/+$/, "")}/#/experiments/${experimentId}/runs/${runId}`;
}

/** Figures rendered as PNG beside report.html (Chromium takes seconds per figure: the key ones only). */
const PNG_FIGURES = ["backtest/equity", "calibration/reliability", "features/importance"];

function renderPngs(figures: readonly NamedFigure[]): { path: string; content: Uint8Array }[] {
  const out: { path: string; content: Uint8Array }[] = [];
  const dir = mkdtempSync(join(tmpdir(), "wsp-run-png-"));
  try {
    for (const nf of figures.filter((x) => PNG_FIGURES.includes(x.name))) {
      const file = join(dir, "figure.png");
      try {
        renderPng(nf.figure, file, { width: 1100, height: 500, timeoutMs: 30_000 });
        out.push({ path: `${nf.name}.png`, content: readFileSync(file) });
      } catch {
        // A PNG is a convenience beside report.html; a Chromium failure must not fail the run.
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** The parent run's tags at its start: the config's own, provenance, and what promotion reads before the run ends. */
function parentTags(
  loaded: LoadedConfig,
  source: Record<string, string>,
  commit: string | null,
  jobId: string | undefined,
): Record<string, string> {
  const config = loaded.config;
  const tags: Record<string, string> = {
    ...config.tracking.tags,
    ...source,
    config_hash: loaded.hash,
    git_commit: commit ?? "unknown",
    git_dirty: String((git(["status", "--porcelain", "--untracked-files=no"]) ?? "") !== ""),
    code_version: codeVersion(),
    host: hostname(),
    "wsp.config_file": loaded.file,
    [RUN_TAGS.modelName]: config.tracking.model_name ?? config.tracking.experiment,
    [RUN_TAGS.control]: config.controls.shuffled_labels ? "shuffled_labels" : "none",
  };
  if (jobId) tags[JOB_ID_TAG] = jobId;
  return tags;
}

/** Runs the experiment and records it; the parent run is FAILED (with the error) when the pipeline throws. */
export async function runTracked(loaded: LoadedConfig, opts: TrackOptions = {}): Promise<TrackedRun> {
  const config = loaded.config;
  refuseSweep(loaded);
  let trackingMs = 0;
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      trackingMs += performance.now() - t;
    }
  };
  const recorder = await timed(() => openRecorder({ trackingUri: opts.trackingUri, outboxDir: opts.outboxDir }));
  const abandoned: AbandonedSweep = recorder.online
    ? await timed(async () => {
        // Only this run's experiment (none yet: nothing of it to end); `wsp mlflow status` sweeps all.
        const own = await recorder.client.getExperimentByName(config.tracking.experiment);
        return endAbandonedRuns(recorder.client, recorder.outboxDir, own ? [own.experiment_id] : []);
      })
    : { killed: [], unlocked: [], error: null };
  const commit = git(["rev-parse", "HEAD"]);
  const source = sourceTags(loaded.file, commit, opts.jobId);
  const tags = parentTags(loaded, source, commit, opts.jobId);
  const parent = await timed(() =>
    recorder.startRun({ experiment: config.tracking.experiment, runName: runNameOf(config.name), tags }),
  );
  let result: ExperimentResult;
  try {
    await timed(() => parent.logParams(flattenParams(config)));
    await timed(() => parent.logArtifact("config.yaml", loaded.text));
    result = await runExperiment(loaded, {
      ...opts,
      recordTrials: (trials) => timed(() => parent.recordTrials(trials)),
    });
  } catch (err) {
    await timed(() => parent.end("FAILED", err));
    throw err;
  }
  const r = result;
  // The parent's outbox knows its experiment id: no request for it.
  const runUrl = parent.offline ? null : parent.uiUrl;
  opts.onPhase?.("record");
  const reportStart = performance.now();
  const summary = experimentSummary(r, runUrl);
  const figures = experimentFigures(r);
  const pngSkipped = opts.png === false ? null : chromiumMissing();
  const pngs = opts.png === false || pngSkipped ? [] : renderPngs(figures);
  const html = reportHtml(r, figures, summary);
  const reportSeconds = (performance.now() - reportStart) / 1000;
  const recording: Recording = {
    recorder,
    parent,
    source,
    metrics: parentMetrics(r),
    metricsTimestamp: Date.now(),
    report: { summary, html, pngs },
  };
  try {
    await timed(async () => {
      await recordRun(r, recording, opts.steps);
      await parent.end("FINISHED");
    });
  } catch (err) {
    await parent.end("FAILED", err).catch(() => undefined);
    throw err;
  }
  return {
    result: r,
    runId: parent.runId,
    runUrl,
    offline: parent.offline,
    summary,
    abandoned,
    pngSkipped,
    trackingSeconds: trackingMs / 1000,
    reportSeconds,
  };
}
