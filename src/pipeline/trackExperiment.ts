/**
 * `wsp run` with tracking: abandoned runs of this host in its experiment ended KILLED first
 * (abandonedRuns.ts), a parent MLflow run "<name>-<short hash>" opened before the pipeline (so
 * a failure is recorded as FAILED with its error), the run's trials written to the experiment's
 * ledger and the ledger fed to the deflated Sharpe, then params, metrics, tags, child runs (one
 * per model, "backtest", "control"), artifacts and one MLflow 3 logged model per variant (each
 * model and the ensemble, see modelExport.ts), all through the recorder
 * (src/tracking/recorder.ts), which queues everything in mlruns/outbox/ when MLflow is down.
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
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { hostname, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { ownChecksVerdict } from "../promotion";
import { type AbandonedSweep, endAbandonedRuns } from "../tracking/abandonedRuns";
import { chromiumMissing, renderPng } from "../viz";
import { flattenParams, MAX_TAG_VALUE_LENGTH } from "../tracking/flattenParams";
import { holdoutWindowTags } from "../tracking/holdoutLedger";
import { findRepoRoot } from "../tracking/mlflowServer";
import { RUN_TAGS } from "../tracking/promotion";
import { openRecorder, type Recorder, type RunRecorder } from "../tracking/recorder";
import type { Scores } from "./classificationMetrics";
import type { LoadedConfig } from "./config";
import {
  benchmarkStats,
  experimentFigures,
  experimentSummary,
  importanceJson,
  type NamedFigure,
  predictionsCsv,
  reportHtml,
  tradesCsv,
  validationReportText,
} from "./experimentReport";
import { variantModel } from "./modelExport";
import { type ExperimentResult, type RunHooks, runExperiment } from "./runExperiment";

export interface TrackOptions extends RunHooks {
  /** Job id when the run comes from a queued job (tag `wsp.job_id`). */
  jobId?: string;
  /** Tracking server (default MLFLOW_TRACKING_URI, else the local server). */
  trackingUri?: string;
  /** Outbox directory of the recorder (default `<repo>/mlruns/outbox`). */
  outboxDir?: string;
  /** Render PNGs of the key figures when Chromium is present (default true). */
  png?: boolean;
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

function git(args: string[]): string | null {
  const r = spawnSync("git", args, { encoding: "utf8", cwd: findRepoRoot() });
  return r.status === 0 ? r.stdout.trim() : null;
}

function codeVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(findRepoRoot(), "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function scoreMetrics(prefix: string, oos: Scores, holdout: Scores): Record<string, number> {
  return {
    [`${prefix}oos_auc`]: oos.auc,
    [`${prefix}oos_logloss`]: oos.logloss,
    [`${prefix}oos_ece`]: oos.ece,
    [`${prefix}oos_accuracy`]: oos.accuracy,
    [`${prefix}holdout_auc`]: holdout.auc,
    [`${prefix}holdout_logloss`]: holdout.logloss,
    [`${prefix}holdout_ece`]: holdout.ece,
    [`${prefix}holdout_accuracy`]: holdout.accuracy,
  };
}

/**
 * The deflated Sharpe ratios of the traded backtest: `deflated_sharpe` is the one the promotion
 * gate reads (on `promotion.dsr_basis`, default active); both bases are logged under their names,
 * each with what it was computed from (the returns' per-period Sharpe, count, skew and kurtosis,
 * and the ledger's Sharpe variance; `trials` is the ledger's count).
 */
function dsrMetrics(r: ExperimentResult): Record<string, number> {
  const bt = r.backtest.run.report;
  const inputs = (basis: string, x: { sr: number; nObs: number; skew: number; kurtosis: number } | undefined) => ({
    [`sharpe_inputs.${basis}.sr`]: x?.sr ?? Number.NaN,
    [`sharpe_inputs.${basis}.n_obs`]: x?.nObs ?? Number.NaN,
    [`sharpe_inputs.${basis}.skew`]: x?.skew ?? Number.NaN,
    [`sharpe_inputs.${basis}.kurtosis`]: x?.kurtosis ?? Number.NaN,
  });
  return {
    deflated_sharpe: r.backtest.deflatedSharpe,
    deflated_sharpe_absolute: bt.deflatedSharpe,
    deflated_sharpe_active: bt.active?.deflatedSharpe ?? Number.NaN,
    active_sharpe: bt.active?.sharpe ?? Number.NaN,
    active_beta: bt.active?.beta ?? Number.NaN,
    ...inputs("absolute", bt.inputs),
    ...inputs("active", bt.active?.inputs),
    "trials.sharpe_variance.absolute": r.backtest.ledger.sharpeVariance,
    "trials.sharpe_variance.active": r.backtest.ledger.activeSharpeVariance,
  };
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

/** The summary as the run page's markdown description (`mlflow.note.content`), within MLflow's tag limit. */
export function noteOf(title: string, summary: string): string {
  const head = `### ${title}\n\n`;
  const fence = "```";
  const room = MAX_TAG_VALUE_LENGTH - head.length - 2 * fence.length - 16;
  const body = summary.length > room ? `${summary.slice(0, room)}\n…` : summary;
  return `${head}${fence}text\n${body}\n${fence}\n`;
}

/**
 * Many metrics (several keys, each by step) as one outbox entry, so a child run's per-fold table
 * costs one MLflow log-batch rather than one per key (each a SQLite commit on the server). A thin
 * helper over the recorder's public outbox and flush.
 */
async function logMetricRows(run: RunRecorder, rows: { key: string; value: number; step: number }[]): Promise<void> {
  const timestamp = Date.now();
  const wire = (v: number): number | string =>
    Number.isFinite(v) ? v : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  run.outbox.append({
    op: "metrics",
    metrics: rows.map((r) => ({ key: r.key, value: wire(r.value), step: r.step, timestamp })),
  });
  await run.flush();
}

function rowsOf(record: Record<string, number>, step = 0): { key: string; value: number; step: number }[] {
  return Object.entries(record).map(([key, value]) => ({ key, value, step }));
}

export function runUrlOf(trackingUri: string, experimentId: string, runId: string): string {
  return `${trackingUri.replace(/\/+$/, "")}/#/experiments/${experimentId}/runs/${runId}`;
}

/**
 * The child runs, logged concurrently (each run's writes stay in order; runs are independent,
 * and MLflow's round trips dominate the tracking time).
 */
async function logChildren(
  recorder: Recorder,
  parent: RunRecorder,
  r: ExperimentResult,
  source: Record<string, string>,
): Promise<void> {
  const experiment = r.config.tracking.experiment;
  const modelChild = async (i: number) => {
    const m = r.models[i];
    const child = await recorder.startRun({
      experiment,
      runName: m.name,
      parentRunId: parent.runId,
      tags: { ...source, "wsp.model_kind": m.kind },
    });
    await child.logParams(flattenParams({ kind: m.kind, params: r.config.models[i].params }));
    const folds = m.foldScores.flatMap((f, step) =>
      (["auc", "logloss", "ece", "accuracy"] as const).map((key) => ({ key: `fold_${key}`, value: f[key], step })),
    );
    await logMetricRows(child, [
      ...folds,
      ...rowsOf({ ...scoreMetrics("", m.oos, m.holdout), fit_seconds: m.fitSeconds }),
    ]);
    await child.logJsonArtifact("importance.json", importanceJson(m.importance));
    await child.end("FINISHED");
  };
  const backtestChild = async () => {
    const bt = r.backtest.run.report;
    const backtest = await recorder.startRun({
      experiment,
      runName: "backtest",
      parentRunId: parent.runId,
      tags: source,
    });
    const years = bt.byYear.filter((s) => /^\d{4}$/.test(s.name));
    const steps = years.map((s) => Number(s.name));
    const perYear = years.flatMap((y, i) => [
      { key: "year_sharpe", value: y.sharpe, step: steps[i] },
      { key: "year_return", value: y.totalReturn, step: steps[i] },
      { key: "year_max_drawdown", value: y.maxDrawdown, step: steps[i] },
    ]);
    const stress: Record<string, number> = {};
    for (const s of bt.stress) {
      stress[`stress.${s.name}.sharpe`] = s.sharpe;
      stress[`stress.${s.name}.return`] = s.totalReturn;
    }
    const variantSharpes = Object.fromEntries(
      Object.entries(r.backtest.variantSharpes).map(([k, v]) => [`${k}.sharpe`, v]),
    );
    await logMetricRows(backtest, [
      ...perYear,
      ...rowsOf({
        sharpe: bt.returns.sharpe,
        ...dsrMetrics(r),
        max_drawdown: bt.returns.maxDrawdown,
        win_rate: bt.trades.winRate,
        trades: bt.trades.trades,
        ...stress,
        ...variantSharpes,
      }),
    ]);
    await backtest.logJsonArtifact("statistics.json", { ...bt, byYear: bt.byYear, stress: bt.stress });
    await backtest.end("FINISHED");
  };
  const controlChild = async (c: NonNullable<ExperimentResult["control"]>) => {
    const control = await recorder.startRun({
      experiment,
      runName: "control",
      parentRunId: parent.runId,
      tags: { ...source, [RUN_TAGS.role]: "control", [RUN_TAGS.control]: "shuffled_labels", "wsp.model_kind": c.model },
    });
    await control.logParams({ seed: r.config.controls.seed, model: c.model });
    await control.logMetrics({
      ...scoreMetrics("", c.oos, c.holdout),
      sharpe: c.sharpe,
      deflated_sharpe: c.deflatedSharpe,
      deflated_sharpe_absolute: c.deflatedSharpeAbsolute,
      active_sharpe: c.activeSharpe,
      deflated_sharpe_active: c.deflatedSharpeActive,
    });
    await control.end("FINISHED");
  };
  await Promise.all([
    ...r.models.map((_, i) => modelChild(i)),
    backtestChild(),
    ...(r.control ? [controlChild(r.control)] : []),
  ]);
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

/** Runs the experiment and records it; the parent run is FAILED (with the error) when the pipeline throws. */
export async function runTracked(loaded: LoadedConfig, opts: TrackOptions = {}): Promise<TrackedRun> {
  const config = loaded.config;
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
  if (opts.jobId) tags["wsp.job_id"] = opts.jobId;
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
  let runUrl: string | null = null;
  if (!parent.offline && parent.serverRunId) {
    const exp = await timed(() => recorder.client.getExperimentByName(config.tracking.experiment));
    if (exp) runUrl = runUrlOf(recorder.client.trackingUri, exp.experiment_id, parent.serverRunId);
  }
  const reportStart = performance.now();
  const summary = experimentSummary(r, runUrl);
  const figures = experimentFigures(r);
  const pngSkipped = opts.png === false ? null : chromiumMissing();
  const pngs = opts.png === false || pngSkipped ? [] : renderPngs(figures);
  const html = reportHtml(r, figures, summary);
  const reportSeconds = (performance.now() - reportStart) / 1000;
  try {
    await timed(async () => {
      await Promise.all([logParent(), logChildren(recorder, parent, r, source)]);
      await parent.end("FINISHED");
    });
  } catch (err) {
    await parent.end("FAILED", err).catch(() => undefined);
    throw err;
  }
  async function logParent(): Promise<void> {
    const sel = r.ensemble && r.selected === "ensemble" ? r.ensemble : r.models.find((m) => m.name === r.selected);
    const bt = r.backtest.run.report;
    const bench = benchmarkStats(r);
    const metrics: Record<string, number> = {
      ...(sel ? scoreMetrics("", sel.oos, sel.holdout) : {}),
      ece: sel ? sel.oos.ece : Number.NaN,
      sharpe: bt.returns.sharpe,
      ...dsrMetrics(r),
      max_drawdown: bt.returns.maxDrawdown,
      win_rate: bt.trades.winRate,
      annual_return: bt.returns.annualReturn,
      trades: bt.trades.trades,
      trials: r.backtest.trials,
      benchmark_sharpe: bench.sharpe,
      benchmark_max_drawdown: bench.maxDrawdown,
      leakage_flags: r.leakage.flags.length,
      gates_passed: r.gates.passed ? 1 : 0,
    };
    for (const m of r.models) Object.assign(metrics, scoreMetrics(`${m.name}.`, m.oos, m.holdout));
    if (r.ensemble) Object.assign(metrics, scoreMetrics("ensemble.", r.ensemble.oos, r.ensemble.holdout));
    if (r.control) Object.assign(metrics, scoreMetrics("control.", r.control.oos, r.control.holdout));
    for (const [k, v] of Object.entries(r.timings)) metrics[`timing.${k}_s`] = v;
    const metricsTimestamp = Date.now();
    await parent.logMetrics(metrics, 0, metricsTimestamp);
    await parent.setTags({
      data_hash: r.dataHash,
      ...holdoutWindowTags({
        start: r.panel.ts[r.plan.holdout[0]],
        end: r.panel.ts[r.plan.holdout[r.plan.holdout.length - 1]],
      }),
      "wsp.selected_model": r.selected,
      [RUN_TAGS.promoteModel]: r.selected,
      // The runner's own checks (what `wsp promote` reads as run_checks); it re-evaluates the
      // deflated Sharpe and the control itself, against the registry's champion.
      [RUN_TAGS.runChecks]: ownChecksVerdict(r.gates),
      "wsp.verdict": r.gates.passed ? "passed" : "refused",
      "wsp.leakage": r.leakage.flags.length === 0 ? "none" : r.leakage.flags.join(" | ").slice(0, 7000),
    });
    // One logged model per variant, each with the run's metrics for it (`<variant>.<metric>`).
    const variants = [...r.models.map((m) => m.name), ...(r.ensemble ? ["ensemble"] : [])];
    for (const variant of variants) {
      const own = Object.fromEntries(Object.entries(metrics).filter(([k]) => k.startsWith(`${variant}.`)));
      await parent.logModel(variantModel(r, variant, own, metricsTimestamp));
    }
    await parent.logArtifact("predictions/oof.csv", predictionsCsv(r, "oof"));
    await parent.logArtifact("predictions/holdout.csv", predictionsCsv(r, "holdout"));
    const sel1 = r.models.find((m) => m.name === r.selected) ?? r.models[0];
    await parent.logJsonArtifact("features/importance.json", importanceJson(sel1.importance));
    if (sel1.shap) await parent.logJsonArtifact("shap/summary.json", importanceJson(sel1.shap));
    await parent.logArtifact("backtest/trades.csv", tradesCsv(r));
    await parent.logArtifact("validation/report.txt", validationReportText(r));
    await parent.logJsonArtifact("validation/report.json", r.validation);
    await parent.logJsonArtifact("leakage.json", {
      flags: r.leakage.flags,
      threshold: r.leakage.screen.threshold,
      features: r.leakage.screen.features.map((s) => ({
        name: s.name,
        mean_auc: s.meanAuc,
        z: s.z,
        flagged: s.flagged,
      })),
    });
    await parent.logJsonArtifact("gates.json", r.gates);
    for (const p of pngs) await parent.logArtifact(p.path, p.content);
    await parent.logArtifact("report.html", html);
    await parent.logArtifact("summary.txt", `${summary}\n`);
    await parent.setTags({ "mlflow.note.content": noteOf(config.name, summary) });
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
