/**
 * The record steps: what a finished run writes to MLflow, one small function per step, as Qlib's
 * workflow ends with its record templates. Each takes the run's result and the recording (the
 * recorder, the parent run, what the steps share); `recordRun` runs the list. The parent run's
 * steps run in list order; a step that writes child runs of its own runs concurrently with the
 * others (runs are independent, and MLflow's round trips dominate the tracking time).
 *
 * To record something more (a drift reference profile, a report addition), add one entry to
 * `RECORD_STEPS` (docs/architecture.md, "How to add a record step").
 */
import { REFERENCE_PROFILE_FILE, referenceProfileJson } from "../monitoring";
import { ownChecksVerdict } from "../promotion";
import {
  flattenParams,
  MAX_TAG_VALUE_LENGTH,
  holdoutWindowTags,
  RUN_TAGS,
  type Recorder,
  type RunRecorder,
} from "../tracking";
import type { Scores } from "./classificationMetrics";
import type { ExperimentResult } from "./experimentResult";
import type { FoldChoice } from "./foldFitter";
import { benchmarkStats, importanceJson, predictionsCsv, tradesCsv, validationReportText } from "./experimentReport";
import { gridJson } from "./gridArtifact";
import { goNoGoMetrics } from "./goNoGoFigures";
import { variantModel } from "./modelExport";
import { evaluationJson } from "./reportEvaluation";
import { type SharedFeatureProfiles, variantReferenceProfile } from "./referenceProfileArtifact";
import { REGIME_BREAKDOWN_ARTIFACT } from "./regimeBreakdown";
import { RETURNS_ARTIFACT, returnsCsv } from "./returnsArtifact";

/** What the record steps share besides the run's result. */
export interface Recording {
  recorder: Recorder;
  /** The run's parent MLflow run. */
  parent: RunRecorder;
  /** MLflow's standard source tags, set on every child run too. */
  source: Record<string, string>;
  /** The parent's metrics (each logged model carries its variant's share) and their timestamp. */
  metrics: Record<string, number>;
  metricsTimestamp: number;
  /** The run's summary text, report page and PNG renderings, made before recording. */
  report: { summary: string; html: string; pngs: { path: string; content: Uint8Array }[] };
}

export interface RecordStep {
  name: string;
  /** The step writes child runs only, so it runs concurrently with the parent's steps. */
  child?: true;
  record(r: ExperimentResult, rec: Recording): Promise<void>;
}

/** Every record step, in the order the parent's are written. */
export const RECORD_STEPS: readonly RecordStep[] = [
  { name: "metrics", record: recordMetrics },
  { name: "model export", record: recordModelExport },
  // After the export: the profiles are files of the logged models it wrote.
  { name: "reference profile", record: recordReferenceProfiles },
  { name: "signals", record: recordSignals },
  { name: "importance", record: recordImportance },
  { name: "trades", record: (r, rec) => rec.parent.logArtifact("backtest/trades.csv", tradesCsv(r)) },
  // Per-bar returns, out of sample and holdout apart: a sweep's PBO reads the former.
  { name: "returns", record: (r, rec) => rec.parent.logArtifact(RETURNS_ARTIFACT, returnsCsv(r)) },
  { name: "threshold grid", record: recordGrid },
  { name: "checks", record: recordChecks },
  // Scores and returns per regime and ticker (regimeBreakdown.ts; NaN is written as null).
  { name: "regimes", record: (r, rec) => rec.parent.logJsonArtifact(REGIME_BREAKDOWN_ARTIFACT, r.regimeBreakdown) },
  { name: "report", record: recordReport },
  { name: "model runs", child: true, record: recordModelRuns },
  { name: "backtest run", child: true, record: recordBacktestRun },
  { name: "control run", child: true, record: recordControlRun },
];

/** Runs the steps: the parent's in order, the child-run steps beside them. */
export async function recordRun(r: ExperimentResult, rec: Recording, steps = RECORD_STEPS): Promise<void> {
  const parentSteps = async () => {
    for (const s of steps.filter((x) => !x.child)) await s.record(r, rec);
  };
  await Promise.all([parentSteps(), ...steps.filter((s) => s.child).map((s) => s.record(r, rec))]);
}

/** The run's variants, each a logged model: its models, then the ensemble when it has one. */
function variantsOf(r: ExperimentResult): string[] {
  return [...r.models.map((m) => m.name), ...(r.ensemble ? ["ensemble"] : [])];
}

/** The parent's metrics: the selected variant's scores and backtest, every variant's scores, the timings. */
export function parentMetrics(r: ExperimentResult): Record<string, number> {
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
    ...goNoGoMetrics(r),
  };
  for (const m of r.models) Object.assign(metrics, scoreMetrics(`${m.name}.`, m.oos, m.holdout));
  if (r.ensemble) Object.assign(metrics, scoreMetrics("ensemble.", r.ensemble.oos, r.ensemble.holdout));
  if (r.control) Object.assign(metrics, scoreMetrics("control.", r.control.oos, r.control.holdout));
  for (const [k, v] of Object.entries(r.timings)) metrics[`timing.${k}_s`] = v;
  return metrics;
}

/** The parent's metrics and the tags promotion reads (the variant to register, the run's own checks). */
async function recordMetrics(r: ExperimentResult, { parent, metrics, metricsTimestamp }: Recording): Promise<void> {
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
}

/** One logged model per variant, each with the run's metrics for it (`<variant>.<metric>`). */
async function recordModelExport(r: ExperimentResult, { parent, metrics, metricsTimestamp }: Recording): Promise<void> {
  for (const variant of variantsOf(r)) {
    const own = Object.fromEntries(Object.entries(metrics).filter(([k]) => k.startsWith(`${variant}.`)));
    await parent.logModel(variantModel(r, variant, own, metricsTimestamp));
  }
}

/** Each logged model's drift reference profile (`reference_profile.json` beside its model.json). */
async function recordReferenceProfiles(r: ExperimentResult, { parent }: Recording): Promise<void> {
  const shared: SharedFeatureProfiles = new Map();
  for (const variant of variantsOf(r)) {
    const profile = variantReferenceProfile(r, variant, shared);
    await parent.logModelFiles(variant, [{ path: REFERENCE_PROFILE_FILE, content: referenceProfileJson(profile) }]);
  }
}

/** The selected variant's out-of-fold and holdout predictions. */
async function recordSignals(r: ExperimentResult, { parent }: Recording): Promise<void> {
  await parent.logArtifact("predictions/oof.csv", predictionsCsv(r, "oof"));
  await parent.logArtifact("predictions/holdout.csv", predictionsCsv(r, "holdout"));
}

/** The selected model's (else the first model's) gain importance and SHAP summary. */
async function recordImportance(r: ExperimentResult, { parent }: Recording): Promise<void> {
  const sel = r.models.find((m) => m.name === r.selected) ?? r.models[0];
  await parent.logJsonArtifact("features/importance.json", importanceJson(sel.importance));
  if (sel.shap) await parent.logJsonArtifact("shap/summary.json", importanceJson(sel.shap));
}

/** The `backtest.grid:` study, `backtest/grid.json` and its PBO and size as metrics; nothing without one. */
async function recordGrid(r: ExperimentResult, { parent }: Recording): Promise<void> {
  const g = r.backtest.grid;
  if (!g) return;
  await parent.logJsonArtifact("backtest/grid.json", gridJson(g));
  await parent.logMetrics({ grid_pbo: g.pbo?.pbo ?? Number.NaN, grid_points: g.points.length });
}

/** The data validation report, the leakage screen and the gates' verdict. */
async function recordChecks(r: ExperimentResult, { parent }: Recording): Promise<void> {
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
}

/**
 * The PNGs, report.html, the numbers of its evaluation sections (evaluation.json), summary.txt
 * and the summary as the run page's description.
 */
async function recordReport(r: ExperimentResult, { parent, report }: Recording): Promise<void> {
  for (const p of report.pngs) await parent.logArtifact(p.path, p.content);
  await parent.logArtifact("report.html", report.html);
  await parent.logJsonArtifact("evaluation.json", evaluationJson(r));
  await parent.logArtifact("summary.txt", `${report.summary}\n`);
  await parent.setTags({ "mlflow.note.content": noteOf(r.config.name, report.summary) });
}

/** One child run per model: its params, per-fold scores, scores and importance. */
async function recordModelRuns(r: ExperimentResult, { recorder, parent, source }: Recording): Promise<void> {
  const modelChild = async (i: number) => {
    const m = r.models[i];
    const child = await recorder.startRun({
      experiment: r.config.tracking.experiment,
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
    const choices = r.foldChoices[i];
    if (choices) await recordFoldChoices(child, m.name, choices);
    await child.end("FINISHED");
  };
  await Promise.all(r.models.map((_, i) => modelChild(i)));
}

/**
 * What search and feature selection chose inside each fold (foldFitter.ts): `search/<model>.json`
 * (per fold: the best params, their inner score, every variant tried) and
 * `selection/<model>.json` (per fold: the kept columns and every column's importance); the final
 * refit's choice, the registered model's, also as params `search.<param>` and
 * `selection.features`.
 */
async function recordFoldChoices(child: RunRecorder, model: string, choices: readonly FoldChoice[]): Promise<void> {
  const final = choices.find((c) => c.fold === "final");
  const params: Record<string, string> = {};
  if (final?.search) {
    for (const [k, v] of Object.entries(final.search.best.params)) params[`search.${k}`] = JSON.stringify(v);
  }
  if (final?.selection) params["selection.features"] = final.selection.selected.join(",");
  if (Object.keys(params).length > 0) await child.logParams(params);
  if (choices.some((c) => c.search)) {
    await child.logJsonArtifact(
      `search/${model}.json`,
      choices.map((c) => ({ fold: c.fold, inner_rows: c.innerRows.length, ...c.search })),
    );
  }
  if (choices.some((c) => c.selection)) {
    await child.logJsonArtifact(
      `selection/${model}.json`,
      choices.map((c) => ({ fold: c.fold, ...c.selection })),
    );
  }
}

/** The "backtest" child run: per-year and stress statistics, every variant's Sharpe, statistics.json. */
async function recordBacktestRun(r: ExperimentResult, { recorder, parent, source }: Recording): Promise<void> {
  const bt = r.backtest.run.report;
  const backtest = await recorder.startRun({
    experiment: r.config.tracking.experiment,
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
}

/** The "control" child run (the shuffled-label control), tagged so promotion finds it; none without a control. */
async function recordControlRun(r: ExperimentResult, { recorder, parent, source }: Recording): Promise<void> {
  const c = r.control;
  if (!c) return;
  const control = await recorder.startRun({
    experiment: r.config.tracking.experiment,
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

/** The summary as the run page's markdown description (`mlflow.note.content`), within MLflow's tag limit. */
export function noteOf(title: string, summary: string): string {
  const head = `### ${title}\n\n`;
  const fence = "```";
  const room = MAX_TAG_VALUE_LENGTH - head.length - 2 * fence.length - 16;
  const body = summary.length > room ? `${summary.slice(0, room)}\n…` : summary;
  return `${head}${fence}text\n${body}\n${fence}\n`;
}
