/**
 * The experiment runner: named phases, each a function of the previous phases' outputs (see
 * `PHASES` and docs/architecture.md). `runPhases` runs a prefix of them (a notebook or a job that
 * needs the rows and splits without training); `runExperiment` runs them all and assembles the
 * `ExperimentResult`. Tracking is not done here (trackExperiment.ts records a result with its
 * record steps): a hook lets the tracker write this run's trials to the experiment's ledger and
 * feed the ledger back into the deflated Sharpe.
 */
import type { GateVerdict } from "../promotion";
import { classCount, ConfigError, type ExperimentConfig, type LoadedConfig } from "./config";
import type { ControlResult, ExperimentResult, LeakageResult, ModelResult, RunHooks } from "./experimentResult";
import { searchedVariants } from "./foldFitter";
import { checkGoNoGo } from "./goNoGoFigures";
import { checkModelKinds, checkModels } from "./modelFactory";
import { type RowsPhase, assembleRows } from "./phases/assembleRows";
import { checkBacktestGrid } from "./phases/backtestGrid";
import { type BlendPhase, blend } from "./phases/blend";
import { type FeaturesPhase, buildFeatures } from "./phases/buildFeatures";
import { type LabelsPhase, buildLabels } from "./phases/buildLabels";
import { type CalibrationPhase, calibrateModels } from "./phases/calibrateModels";
import { leakageChecks, runGates, shuffledLabelControl } from "./phases/checks";
import type { PhaseContext } from "./phases/context";
import { type TrainingPhase, fitModels } from "./phases/fitModels";
import { type DataPhase, loadData } from "./phases/loadData";
import { type SplitsPhase, planSplits } from "./phases/planSplits";
import { type BacktestPhase, signalsAndBacktest } from "./phases/signalsAndBacktest";
import { type TradedMarket, tradedMarket } from "./phases/tradedMarket";
import type { PHASES, PhaseName } from "./phaseNames";
import { PhaseTimer } from "./progress";
import { regimeBreakdown } from "./regimeBreakdown";
import { checkClassWeights } from "./trainingWeigher";

export * from "./experimentResult";
export type {
  BacktestPhase,
  BlendPhase,
  CalibrationPhase,
  DataPhase,
  FeaturesPhase,
  LabelsPhase,
  RowsPhase,
  SplitsPhase,
  TradedMarket,
  TrainingPhase,
};

export { PHASES, type PhaseName, PROGRESS_STEPS, type ProgressStep } from "./phaseNames";

export interface PhaseOutputs {
  data: DataPhase;
  features: FeaturesPhase;
  labels: LabelsPhase;
  rows: RowsPhase;
  splits: SplitsPhase;
  training: TrainingPhase;
  calibration: CalibrationPhase;
  ensemble: BlendPhase;
  signals: TradedMarket;
  backtest: BacktestPhase;
  leakage: LeakageResult;
  control: ControlResult | null;
  gates: GateVerdict;
}

/** The names of the phases up to and including `P`. */
type UpTo<P extends PhaseName, T extends readonly PhaseName[] = typeof PHASES> = T extends readonly [
  infer H extends PhaseName,
  ...infer R extends PhaseName[],
]
  ? H extends P
    ? H
    : H | UpTo<P, R>
  : never;

/** What running the phases through `P` gives: their outputs, and the seconds each took. */
export type PhasesThrough<P extends PhaseName> = Pick<PhaseOutputs, UpTo<P>> & {
  config: ExperimentConfig;
  timings: Record<string, number>;
};

/**
 * Runs the phases in order up to and including `through`, and nothing after it: through
 * `"splits"` loads, builds the features, labels and rows and plans the splits, but fits nothing.
 */
export async function runPhases<P extends PhaseName>(
  loaded: LoadedConfig,
  through: P,
  hooks: RunHooks = {},
): Promise<PhasesThrough<P>> {
  const config = loaded.config;
  refuseSweep(loaded);
  checkModelKinds(config.models);
  checkModels(config.models, config.data.tickers.length, classCount(config));
  checkBacktestGrid(config);
  checkGoNoGo(config);
  checkClassWeights(config);
  const ctx: PhaseContext = { config, hooks, timer: new PhaseTimer(hooks.progress ?? true) };
  const out: Partial<PhaseOutputs> = {};
  const done = () => ({ ...out, config, timings: ctx.timer.timings }) as PhasesThrough<P>;
  const enter = (phase: PhaseName) => hooks.onPhase?.(phase);
  enter("data");
  const data = (out.data = await loadData(ctx));
  if (through === "data") return done();
  enter("features");
  const features = (out.features = await buildFeatures(ctx, data));
  if (through === "features") return done();
  enter("labels");
  const labels = (out.labels = await buildLabels(ctx, data, features));
  if (through === "labels") return done();
  enter("rows");
  const rows = (out.rows = assembleRows(ctx, data, features, labels));
  if (through === "rows") return done();
  enter("splits");
  const splits = (out.splits = await planSplits(ctx, labels, rows));
  if (through === "splits") return done();
  enter("training");
  const training = (out.training = await fitModels(ctx, labels, rows, splits));
  if (through === "training") return done();
  enter("calibration");
  const calibration = (out.calibration = await calibrateModels(ctx, labels, rows, splits, training));
  if (through === "calibration") return done();
  enter("ensemble");
  const blended = (out.ensemble = await blend(ctx, labels, rows, splits, calibration));
  if (through === "ensemble") return done();
  enter("signals");
  const market = (out.signals = await tradedMarket(ctx, data, labels, rows, splits));
  if (through === "signals") return done();
  enter("backtest");
  const bt = (out.backtest = await signalsAndBacktest(
    ctx,
    data,
    rows,
    splits,
    calibration,
    blended,
    market,
    searchedVariants(training.choices),
  ));
  if (through === "backtest") return done();
  enter("leakage");
  const leakage = (out.leakage = await leakageChecks(ctx, data, labels, rows, splits, calibration, blended));
  if (through === "leakage") return done();
  enter("control");
  const control = (out.control = await shuffledLabelControl(ctx, labels, rows, splits, blended, bt));
  if (through === "control") return done();
  enter("gates");
  out.gates = runGates(ctx, labels, rows, splits, calibration, blended, bt, leakage, control);
  return done();
}

/** Every phase, assembled into the run's result. */
export async function runExperiment(loaded: LoadedConfig, hooks: RunHooks = {}): Promise<ExperimentResult> {
  const p = await runPhases(loaded, "gates", hooks);
  const { data, rows, labels, splits, calibration, ensemble, backtest } = p;
  const variant =
    ensemble.selected === "ensemble" && ensemble.ensemble
      ? ensemble.ensemble
      : (calibration.models.find((m) => m.name === ensemble.selected) as ModelResult);
  const sim = backtest.backtest.run.simulation;
  return {
    config: p.config,
    configHash: loaded.hash,
    dataHash: data.dataHash,
    tickers: data.tickers,
    validation: data.validation,
    features: { names: rows.cols.names, dropped: rows.cols.dropped, rows: rows.panel.ts.length },
    panel: rows.panel,
    classes: labels.classes,
    y: rows.yTarget,
    width: labels.width,
    plan: splits.plan,
    models: calibration.models,
    foldChoices: p.training.choices,
    ensemble: ensemble.ensemble,
    selected: ensemble.selected,
    regimes: { scheme: rows.trend[0].scheme, names: rows.trend[0].names, ids: rows.regimeIds },
    backtest: backtest.backtest,
    regimeBreakdown: regimeBreakdown({
      variant: ensemble.selected,
      tickers: data.tickers,
      panel: rows.panel,
      y: rows.yTarget,
      width: labels.width,
      oofProbs: variant.oofProbs,
      holdoutProbs: variant.holdoutProbs,
      plan: splits.plan,
      schemes: p.features.splits,
      backtest: {
        returns: sim.returns,
        exposure: sim.grossExposure,
        periodsPerYear: sim.periodsPerYear,
        tickerBar: p.signals.index[0],
      },
    }),
    leakage: p.leakage,
    control: p.control,
    gates: p.gates,
    timings: p.timings,
    notes: [
      ...p.features.notes,
      ...labels.notes,
      ...rows.notes,
      ...p.training.notes,
      ...ensemble.notes,
      ...backtest.notes,
      ...backtest.backtest.run.report.notes,
    ],
  };
}

/**
 * A config with a `sweep:` block is a template of variants, not one experiment: running it as
 * one would track a run no sweep asked for.
 */
export function refuseSweep(loaded: LoadedConfig): void {
  if (loaded.config.sweep) {
    throw new ConfigError(loaded.file, [
      "sweep: this config is a sweep; run its variants with `wsp sweep` or `wsp submit` (or expandSweep)",
    ]);
  }
}

/** Classes the `labels:` block produces. */
