/**
 * The experiment pipeline (DESIGN.md, one direction): load → validate data → features → labels
 * → splits (final holdout reserved) → per model: fit per fold (OOF) and refit on all pre-holdout
 * rows (holdout predictions) → calibration on OOF only → ensemble weights on OOF → signals →
 * backtest with costs vs buy-and-hold → leakage checks → shuffled-label control → promotion gates.
 * Each phase is a function of the previous phases' outputs; `ExperimentResult` holds them all.
 * Tracking is not done here (see trackExperiment.ts): a hook lets the tracker write this run's
 * trials to the experiment's ledger and feed the ledger back into the deflated Sharpe.
 */
import { createHash } from "node:crypto";
import { type BacktestReport, type BacktestRun, assetFromProbabilities, backtestReport, simulate } from "../backtest";
import {
  type Bars,
  isIntraday,
  loadDataBlock,
  loadUniverse,
  lowerBound,
  newYorkDayOf,
  type ValidationReport,
  validateBars,
} from "../data";
import { computeFeatures } from "../features/computeFeatures";
import { trendRegime } from "../features/regimes";
import { labelsFromConfig } from "../labels";
import { meanAbsShap } from "../explain";
import { type FeatureMatrix, fromColumns, type Importance, type Model, takeRows, TreeModel } from "../models";
import {
  CANARY_NAME,
  finalHoldoutFrom,
  type LeakageReport,
  type SplitPlan,
  shuffleLabels,
  univariateAucScreen,
} from "../validation";
import type { Calibrator } from "../calibration";
import { type GateVerdict, evaluateGates } from "../promotion";
import {
  type LedgerStats,
  ledgerStats,
  type TrialEntry,
  type TrialLedger,
  trialEntry,
  trialKey,
} from "../tracking/trials";
import { calibrateOutOfFold } from "./calibrate";
import { type Scores, scoreProbabilities } from "./classificationMetrics";
import { type ExperimentConfig, type LoadedConfig, modelEntryName, trialConfigHash } from "./config";
import { crossValidate } from "./crossValidate";
import { blendProbabilities, fitOofBlendWeights } from "./oofBlendWeights";
import { checkModelKinds, checkModels, createModel } from "./modelFactory";
import { type Panel, panelPlan, stackPanel } from "./panel";
import { PhaseTimer } from "./progress";
import { classCounts, labelCoverageNote, skippedFeaturesNote } from "./runNotes";
import { usableColumns } from "./usableColumns";
import { checkWorkload } from "./workEstimate";

export class ExperimentError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "ExperimentError";
  }
}

export interface ModelResult {
  name: string;
  kind: string;
  /** Calibrated out-of-fold scores (walk-forward), the run's out-of-sample numbers. */
  oos: Scores;
  /** Scores of the raw (uncalibrated) OOF probabilities, to judge what calibration did. */
  oosRaw: Scores;
  holdout: Scores;
  foldScores: Scores[];
  /** Calibrated probabilities, `width` per label row. */
  oofProbs: Float64Array;
  holdoutProbs: Float64Array;
  /** Refitted on every pre-holdout row; the model saved as an artifact. */
  model: Model;
  importance: Importance;
  /** Mean |SHAP| over (up to 500) holdout rows; null for models without TreeSHAP. */
  shap: Importance | null;
  fitSeconds: number;
  calibratedFolds: number;
  /**
   * The calibrator applied to the holdout (fitted on all OOF rows before it), which the saved
   * model applies live (`model/<name>/calibration.json`); null with calibration method "none".
   */
  calibrator: Calibrator | null;
  /** OOF rows `calibrator` was fitted on. */
  calibrationRows: number;
}

/** The run's blend of its models (the `ensemble:` block), weights from oofBlendWeights.ts. */
export interface BlendResult {
  members: string[];
  weights: Float64Array;
  oos: Scores;
  holdout: Scores;
  oofProbs: Float64Array;
  holdoutProbs: Float64Array;
}

export interface BacktestResult {
  /** The variant traded: "ensemble" or a model's name. */
  variant: string;
  run: BacktestRun;
  /** Buy-and-hold of `backtest.benchmark` over the same bars. */
  benchmark: Bars | null;
  /** The first ticker's backtested bars (from the first out-of-sample prediction to the end). */
  bars: Bars;
  /** Every traded ticker's bars on the timestamps they all share. */
  assets: Bars[];
  /** Bar index (into `bars`) where the final holdout starts. */
  holdoutStart: number;
  /** Sharpe (annualised) of every variant tried in this run. */
  variantSharpes: Record<string, number>;
  /** Distinct trials in the experiment's ledger once this run's were added. */
  trials: number;
  /** The deflated Sharpe the gate reads, on `promotion.dsr_basis` (NaN: active without a benchmark). */
  deflatedSharpe: number;
  /**
   * The ledger's count and Sharpe variances the deflated Sharpes were computed with (the
   * Sharpes and moments are in the report's `inputs`), so `wsp promote` can recompute them with
   * the ledger as it stands then.
   */
  ledger: LedgerStats;
}

export interface ControlResult {
  model: string;
  oos: Scores;
  holdout: Scores;
  sharpe: number;
  /** On `promotion.dsr_basis`, as the run's own gate. */
  deflatedSharpe: number;
  deflatedSharpeAbsolute: number;
  /** Against the benchmark (NaN without one). */
  activeSharpe: number;
  deflatedSharpeActive: number;
}

/** The deflated Sharpe a report gives on the configured basis (NaN: active without a benchmark). */
export function dsrOnBasis(report: BacktestReport, basis: "active" | "absolute"): number {
  return basis === "absolute" ? report.deflatedSharpe : (report.active?.deflatedSharpe ?? Number.NaN);
}

export interface LeakageResult {
  screen: LeakageReport;
  /** Every suspected leak, one line each (screen flags and too-good direction accuracies). */
  flags: string[];
}

export interface ExperimentResult {
  config: ExperimentConfig;
  configHash: string;
  dataHash: string;
  tickers: string[];
  validation: ValidationReport[];
  features: { names: string[]; dropped: { name: string; missing: number }[]; rows: number };
  /** The rows models learn from: (bar, ticker) pairs in time order (one ticker: one row per bar). */
  panel: Panel;
  /** Class names by label code. */
  classes: readonly string[];
  /** Label codes used (NaN where absent or where a feature is missing). */
  y: Float64Array;
  /** Probabilities per label row: 1 (P(class 1)) for binary labels, else one per class. */
  width: number;
  plan: SplitPlan;
  models: ModelResult[];
  ensemble: BlendResult | null;
  /** The variant the run stands for (registered on promotion): "ensemble" or a model's name. */
  selected: string;
  /** Regime id per panel row (NaN where undefined) and the scheme they come from, as calibration used them. */
  regimes: { scheme: string; names: readonly string[]; ids: Float64Array };
  backtest: BacktestResult;
  leakage: LeakageResult;
  control: ControlResult | null;
  gates: GateVerdict;
  /** Seconds per phase. */
  timings: Record<string, number>;
  notes: string[];
}

export interface RunHooks {
  /**
   * Writes this run's trials to the experiment's ledger and returns the ledger (default: a
   * ledger of this run's trials alone).
   */
  recordTrials?: (trials: TrialEntry[]) => Promise<TrialLedger>;
  /** Draw progress bars on stderr (default true). */
  progress?: boolean;
  /** Where `bundled` data is read (default: found from the working directory). */
  dataDir?: string;
}

function hashBars(all: readonly Bars[]): string {
  const h = createHash("sha256");
  for (const b of all) {
    h.update(`${b.ticker}/${b.timeframe}/${b.ts.length};`);
    for (const col of [b.ts, b.open, b.high, b.low, b.close, b.volume]) {
      if (col) h.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
    }
  }
  return h.digest("hex");
}

/** P(up) and P(down) per label row from probabilities of `width` per row. */
function sideProbs(probs: Float64Array, width: number, n: number): { up: Float64Array; down: Float64Array } {
  const up = new Float64Array(n);
  const down = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (width === 1) {
      up[i] = probs[i];
      down[i] = 1 - probs[i];
    } else {
      up[i] = probs[i * width + width - 1];
      down[i] = probs[i * width];
    }
  }
  return { up, down };
}

/** Out-of-sample probabilities: OOF where present, else holdout. */
function mergeOutOfSample(oof: Float64Array, holdout: Float64Array): Float64Array {
  const out = Float64Array.from(oof);
  for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = holdout[i];
  return out;
}

function shapOf(model: Model, X: FeatureMatrix, rows: Int32Array): Importance | null {
  if (!(model instanceof TreeModel) || rows.length === 0) return null;
  const step = Math.max(1, Math.floor(rows.length / 500));
  const sample = rows.filter((_, i) => i % step === 0);
  return meanAbsShap(model.shap(takeRows(X, sample)));
}

async function loadBenchmark(config: ExperimentConfig, bars: Bars, hooks: RunHooks): Promise<Bars | null> {
  const name = config.backtest.benchmark;
  if (name === bars.ticker) return bars;
  const loaded = await loadDataBlock({ ...config.data, tickers: [name], context: [] }, { dataDir: hooks.dataDir });
  const b = loaded.tickers[0].bars;
  if (b.ts.length !== bars.ts.length || b.ts.some((t, i) => t !== bars.ts[i])) return null;
  return b;
}

export async function runExperiment(loaded: LoadedConfig, hooks: RunHooks = {}): Promise<ExperimentResult> {
  const config = loaded.config;
  checkModelKinds(config.models);
  checkModels(config.models, config.data.tickers.length, classCount(config));
  const timer = new PhaseTimer(hooks.progress ?? true);
  const notes: string[] = [];

  const data = await timer.run("load", 1, async () => {
    if (!isIntraday(config.data.timeframe) || config.data.context.length === 0) {
      return loadDataBlock(config.data, { dataDir: hooks.dataDir });
    }
    const loaded = await loadDataBlock({ ...config.data, context: [] }, { dataDir: hooks.dataDir });
    // Context series (VIX) exist as daily bars only; features carry a daily value onto intraday
    // bars once its session has closed.
    const daily = await loadDataBlock(
      { ...config.data, timeframe: "1d", tickers: config.data.context, context: [] },
      { dataDir: hooks.dataDir },
    );
    return { tickers: loaded.tickers, context: daily.tickers };
  });
  const tickerBars = data.tickers.map((t) => t.bars);
  const tickers = tickerBars.map((b) => b.ticker);
  const validation = await timer.run("validate", 1, () =>
    [...data.tickers, ...data.context].map((s) => validateBars(s.bars)),
  );
  const errors = validation.filter((r) => r.errors > 0);
  if (errors.length > 0) {
    throw new ExperimentError(
      "data",
      `validation found errors in ${errors.map((r) => `${r.ticker} (${r.errors})`).join(", ")}; run \`wsp data validate\``,
    );
  }
  const dataHash = hashBars([...tickerBars, ...data.context.map((c) => c.bars)]);

  const universe = config.universe === "bundled" ? loadUniverse(hooks.dataDir) : undefined;
  if (universe) {
    notes.push(
      `universe: ${universe.size} stocks that were S&P 500 members when the file was pulled (Jan 2020): survivorship-biased (names that left the index are missing), so breadth and cross-sectional features look healthier than they were`,
    );
  }
  // Each ticker sees the context series and the other tickers (benchmark-relative features).
  const featureResults = await timer.run("features", tickerBars.length, (h) =>
    tickerBars.map((bars) => {
      const context = Object.fromEntries([
        ...data.context.map((c) => [c.bars.ticker, c.bars] as const),
        ...tickerBars.filter((b) => b !== bars && !isIntraday(b.timeframe)).map((b) => [b.ticker, b] as const),
      ]);
      const result = computeFeatures(config.features, { bars, context, universe });
      h.tick();
      return result;
    }),
  );
  for (const [k, fr] of featureResults.entries()) {
    const skipped = skippedFeaturesNote(tickers[k], fr.report.skipped);
    if (skipped) notes.push(skipped);
  }

  const labelSets = await timer.run("labels", tickerBars.length, () =>
    tickerBars.map((bars) =>
      labelsFromConfig(bars, config.labels, {
        session: isIntraday(bars.timeframe) ? Float64Array.from(bars.ts, newYorkDayOf) : undefined,
      }),
    ),
  );
  notes.push(labelCoverageNote(labelSets.map((l, k) => ({ ticker: tickers[k], y: l.y }))));
  const panel = stackPanel(
    tickerBars.map((bars, k) => ({ bars, frame: featureResults[k].frame, labels: labelSets[k] })),
  );
  if (panel.notShared.length > 0) {
    notes.push(
      `${panel.notShared.length} feature columns left out (not every ticker has them): ${panel.notShared.join(", ")}`,
    );
  }
  const classes = labelSets[0].classes;
  // Trend / range / volatile per bar (causal): per-regime calibration, the backtest's regime
  // breakdown and its wider stops in volatile bars.
  const trend = tickerBars.map((b) => trendRegime(b, config.regimes.trend));
  const regimeIds = Float64Array.from(panel.rowTicker, (k, r) => {
    const id = trend[k].ids[panel.rowBar[r]];
    return id < 0 ? Number.NaN : id;
  });
  const width = classes.length === 2 ? 1 : classes.length;
  // The final holdout's start is known before any split: which columns are usable is decided
  // on the rows before it only.
  const holdoutFrom = finalHoldoutFrom(panel.ts[panel.ts.length - 1], config.validation.final_holdout);
  const preHoldout = Number.isNaN(holdoutFrom) ? panel.ts.length : lowerBound(panel.ts, holdoutFrom);
  const cols = usableColumns(panel.names, panel.columns, preHoldout);
  if (config.controls.inject_leak) {
    // The worst possible leak, on purpose: the label's own realised return as a feature.
    cols.names.push(CANARY_NAME);
    cols.columns.push(panel.ret);
  }
  if (cols.names.length === 0)
    throw new ExperimentError("features", "no feature column is usable (all mostly missing)");
  const n = panel.ts.length;
  const y = Float64Array.from(panel.y);
  let missingRows = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(y[i])) continue;
    if (cols.columns.some((c) => !Number.isFinite(c[i]))) {
      y[i] = Number.NaN;
      missingRows++;
    }
  }
  if (missingRows > 0) notes.push(`${missingRows} labelled rows left out: a feature is missing there (warm-up)`);
  if (cols.dropped.length > 0) {
    notes.push(
      `${cols.dropped.length} feature columns dropped (missing on > 10 % of the rows before the final holdout): ${cols.dropped.map((d) => d.name).join(", ")}`,
    );
  }
  const yTarget = config.controls.shuffle_target ? shuffleLabels(y, config.controls.seed) : y;
  if (config.controls.shuffle_target) notes.push("controls.shuffle_target: the main target is permuted (a null run)");

  const plan = await timer.run("splits", 1, () => panelPlan(panel, yTarget, config.validation));
  if (plan.holdout.length === 0) {
    throw new ExperimentError("validation.final_holdout", "no final holdout is reserved; set one (e.g. P2Y)");
  }
  const X = fromColumns(cols.names, cols.columns);
  checkWorkload(
    config.models,
    { rows: n, features: cols.names.length, classes: classes.length, fits: plan.splits.length + 1 },
    config.controls.shuffled_labels ? 1 : 0,
  );

  // Training: every model through every fold, then the refit for the holdout.
  const cv = await timer.run("training", config.models.length * (plan.splits.length + 1), async (h) => {
    const out = [];
    for (const [i, entry] of config.models.entries()) {
      out.push(await crossValidate(() => createModel(entry, i), X, yTarget, plan, width, { onFold: () => h.tick() }));
    }
    return out;
  });

  const calibrated = await timer.run("calibration", cv.length, (h) =>
    cv.map((r) => {
      const c = calibrateOutOfFold(config.calibration, plan, yTarget, r.oof, r.holdout, width, regimeIds);
      h.tick();
      return c;
    }),
  );

  const models: ModelResult[] = config.models.map((entry, i) => ({
    name: modelEntryName(entry),
    kind: entry.kind,
    oos: scoreProbabilities(yTarget, calibrated[i].oof, width, plan.rows),
    oosRaw: scoreProbabilities(yTarget, cv[i].oof, width, plan.rows),
    holdout: scoreProbabilities(yTarget, calibrated[i].holdout, width, plan.holdout),
    foldScores: cv[i].foldScores,
    oofProbs: calibrated[i].oof,
    holdoutProbs: calibrated[i].holdout,
    model: cv[i].finalModel,
    importance: cv[i].finalModel.featureImportance("gain"),
    shap: shapOf(cv[i].finalModel, X, plan.holdout),
    fitSeconds: cv[i].fitSeconds,
    calibratedFolds: calibrated[i].calibratedFolds,
    calibrator: calibrated[i].final,
    calibrationRows: calibrated[i].finalRows,
  }));

  const ensemble = await timer.run("ensemble", 1, () => {
    if (!config.ensemble) return null;
    const weights = fitOofBlendWeights(
      yTarget,
      models.map((m) => m.oofProbs),
      width,
      config.ensemble.kind,
    );
    const oofProbs = blendProbabilities(
      models.map((m) => m.oofProbs),
      weights,
    );
    const holdoutProbs = blendProbabilities(
      models.map((m) => m.holdoutProbs),
      weights,
    );
    return {
      members: models.map((m) => m.name),
      weights,
      oos: scoreProbabilities(yTarget, oofProbs, width, plan.rows),
      holdout: scoreProbabilities(yTarget, holdoutProbs, width, plan.holdout),
      oofProbs,
      holdoutProbs,
    };
  });

  // Selection on out-of-fold log-loss only: the holdout never picks the model.
  const bestSingle = models.reduce((a, b) => (b.oos.logloss < a.oos.logloss ? b : a));
  const selected = ensemble ? "ensemble" : bestSingle.name;
  const variants: { name: string; oof: Float64Array; holdout: Float64Array }[] = [
    ...models.map((m) => ({ name: m.name, oof: m.oofProbs, holdout: m.holdoutProbs })),
    ...(ensemble ? [{ name: "ensemble", oof: ensemble.oofProbs, holdout: ensemble.holdoutProbs }] : []),
  ];
  const engine = {
    signals: config.signals,
    sizing: config.sizing,
    costs: config.costs,
    backtest: config.backtest,
  };
  const first = plan.splits.length > 0 ? plan.splits[0].test[0] : plan.holdout[0];
  const traded = commonBars(tickerBars, panel.ts[first]);
  const btBars = traded.bars[0];
  const holdoutStart = lowerBoundOf(btBars.ts, plan.holdoutFrom);
  const benchmark = tickers.includes(config.backtest.benchmark)
    ? (traded.bars[tickers.indexOf(config.backtest.benchmark)] ?? null)
    : await loadBenchmark(config, btBars, hooks);
  /** The assets a variant trades: every ticker on the shared timestamps, with its P(up), P(down). */
  const assetsOf = (probs: Float64Array) => {
    const sides = sideProbs(probs, width, n);
    const up = tickerBars.map((b) => new Float64Array(b.ts.length).fill(Number.NaN));
    const down = tickerBars.map((b) => new Float64Array(b.ts.length).fill(Number.NaN));
    for (let r = 0; r < n; r++) {
      up[panel.rowTicker[r]][panel.rowBar[r]] = sides.up[r];
      down[panel.rowTicker[r]][panel.rowBar[r]] = sides.down[r];
    }
    return traded.bars.map((bars, k) =>
      assetFromProbabilities(
        {
          bars,
          pUp: takeAt(up[k], traded.index[k]),
          pDown: takeAt(down[k], traded.index[k]),
          volatile: Uint8Array.from(traded.index[k], (i) => (trend[k].names[trend[k].ids[i]] === "volatile" ? 1 : 0)),
        },
        engine,
      ),
    );
  };
  if (!benchmark)
    notes.push(
      `backtest.benchmark ${config.backtest.benchmark}: no bars on the traded timestamps; no buy-and-hold comparison`,
    );
  const nObs = btBars.ts.length - 1;
  const sims = await timer.run("backtest", variants.length, (h) =>
    variants.map((v) => {
      const sim = simulate(assetsOf(mergeOutOfSample(v.oof, v.holdout)), engine);
      const report = backtestReport(sim, { benchmark: benchmark ?? undefined });
      h.tick();
      return { name: v.name, sim, report };
    }),
  );
  // This run's trials (the control is not one): identical configs on identical data give the
  // same keys, so a rerun adds nothing to the ledger. A null run (permuted target) and a
  // detector check (injected leak) test the pipeline, not a strategy: like the control, they
  // write no trials.
  const trialConfig = trialConfigHash(config);
  const ownTrials: TrialLedger = new Map(
    sims.map((s) => [
      trialKey(trialConfig, dataHash, s.name),
      {
        variant: s.name,
        sharpe: s.report.returns.sharpePerPeriod,
        activeSharpe: s.report.active?.sharpePerPeriod ?? Number.NaN,
        nObs,
      },
    ]),
  );
  const isCheck = config.controls.shuffle_target || config.controls.inject_leak;
  const ledger =
    hooks.recordTrials && !isCheck
      ? await hooks.recordTrials([...ownTrials].map(([key, t]) => trialEntry(key, t)))
      : ownTrials;
  const trials = ledgerStats(ledger, nObs);
  const backtest = await timer.run("backtest", 1, () => {
    const chosen = sims.find((s) => s.name === selected);
    if (!chosen) throw new Error(`backtest: no variant named ${selected}`);
    const report = backtestReport(chosen.sim, {
      benchmark: benchmark ?? undefined,
      stress: config.backtest.stress,
      regimes: { ids: Int32Array.from(traded.index[0], (i) => trend[0].ids[i]), names: trend[0].names },
      trials,
    });
    return {
      variant: selected,
      run: { simulation: chosen.sim, report },
      benchmark,
      bars: btBars,
      assets: traded.bars,
      holdoutStart,
      variantSharpes: Object.fromEntries(sims.map((s) => [s.name, s.report.returns.sharpe])),
      trials: trials.count,
      deflatedSharpe: dsrOnBasis(report, config.promotion.dsr_basis),
      ledger: trials,
    };
  });

  const leakage = await timer.run("leakage", 1, () => {
    const screen = univariateAucScreen(
      cols.names.map((name, j) => ({ name, values: cols.columns[j] })),
      yTarget,
      plan,
      { threshold: config.leakage.auc_threshold, positiveClass: width === 1 ? 1 : width - 1 },
    );
    const flags = [...screen.messages];
    for (const m of [...models, ...(ensemble ? [{ name: "ensemble", oos: ensemble.oos }] : [])]) {
      if (m.oos.accuracy > config.leakage.max_direction_accuracy) {
        flags.push(
          `suspected leakage: ${m.name} direction accuracy ${m.oos.accuracy.toFixed(3)} > ${config.leakage.max_direction_accuracy} out of sample on ${tickers.join(", ")}`,
        );
      }
    }
    return { screen, flags };
  });

  let control: ControlResult | null = null;
  if (config.controls.shuffled_labels) {
    const controlModel = config.controls.model ?? bestSingle.name;
    const idx = config.models.findIndex((e) => modelEntryName(e) === controlModel);
    control = await timer.run("control", plan.splits.length + 1, async (h) => {
      const entry = config.models[idx];
      const r = await crossValidate(() => createModel(entry, idx), X, yTarget, plan, width, {
        permuteSeed: config.controls.seed,
        onFold: () => h.tick(),
      });
      const c = calibrateOutOfFold(config.calibration, plan, yTarget, r.oof, r.holdout, width, regimeIds);
      const sim = simulate(assetsOf(mergeOutOfSample(c.oof, c.holdout)), engine);
      const report = backtestReport(sim, {
        benchmark: benchmark ?? undefined,
        trials: { count: trials.count, sharpeVariance: 1 / nObs },
      });
      return {
        model: controlModel,
        oos: scoreProbabilities(yTarget, c.oof, width, plan.rows),
        holdout: scoreProbabilities(yTarget, c.holdout, width, plan.holdout),
        sharpe: report.returns.sharpe,
        deflatedSharpe: dsrOnBasis(report, config.promotion.dsr_basis),
        deflatedSharpeAbsolute: report.deflatedSharpe,
        activeSharpe: report.active?.sharpe ?? Number.NaN,
        deflatedSharpeActive: report.active?.deflatedSharpe ?? Number.NaN,
      };
    });
  }

  const headline =
    selected === "ensemble" && ensemble ? ensemble : (models.find((m) => m.name === selected) as ModelResult);
  // The AUC's null spread counts the rows the OOS AUC was computed on: those with an OOF
  // prediction, not the first training window, which has none.
  const scored = classCounts(yTarget, headline.oofProbs, width, plan.rows, width === 1 ? 1 : width - 1);
  const gates = evaluateGates(config.promotion, {
    oos: headline.oos,
    holdout: headline.holdout,
    nPositive: scored.positives,
    nRows: scored.rows,
    deflatedSharpe: backtest.deflatedSharpe,
    control,
    leakageFlags: leakage.flags,
  });

  return {
    config,
    configHash: loaded.hash,
    dataHash,
    tickers,
    validation,
    features: { names: cols.names, dropped: cols.dropped, rows: n },
    panel,
    classes,
    y: yTarget,
    width,
    plan,
    models,
    ensemble,
    selected,
    regimes: { scheme: trend[0].scheme, names: trend[0].names, ids: regimeIds },
    backtest,
    leakage,
    control,
    gates,
    timings: timer.timings,
    notes: [...notes, ...backtest.run.report.notes],
  };
}

/** Every ticker's bars on the timestamps all of them have, from `from` on, and where each came from. */
function commonBars(all: readonly Bars[], from: number): { bars: Bars[]; index: Int32Array[] } {
  let shared = Array.from(all[0].ts).filter((t) => t >= from);
  for (const b of all.slice(1)) {
    const own = new Set(b.ts);
    shared = shared.filter((t) => own.has(t));
  }
  const index = all.map((b) => {
    const at = new Map<number, number>();
    b.ts.forEach((t, i) => {
      at.set(t, i);
    });
    return Int32Array.from(shared, (t) => at.get(t) as number);
  });
  const bars = all.map((b, k) => {
    const take = (c: Float64Array) => takeAt(c, index[k]);
    return {
      ticker: b.ticker,
      timeframe: b.timeframe,
      ts: take(b.ts),
      open: take(b.open),
      high: take(b.high),
      low: take(b.low),
      close: take(b.close),
      volume: b.volume ? take(b.volume) : null,
      adjClose: b.adjClose ? take(b.adjClose) : null,
    };
  });
  return { bars, index };
}

function takeAt(values: Float64Array, index: Int32Array): Float64Array {
  return Float64Array.from(index, (i) => values[i]);
}

function lowerBoundOf(ts: Float64Array, x: number): number {
  let i = 0;
  while (i < ts.length && ts[i] < x) i++;
  return i;
}

/** Classes the `labels:` block produces. */
function classCount(config: ExperimentConfig): number {
  const l = config.labels;
  if (l.kind === "fixed_horizon") return l.classes;
  if (l.kind === "triple_barrier") return l.output === "binary" ? 2 : 3;
  return 2;
}
