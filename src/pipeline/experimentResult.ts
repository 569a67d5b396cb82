/**
 * What a run produces: the parts phases return and the whole `ExperimentResult` that the record
 * steps (recordSteps.ts), the report and the model export read.
 */
import type { BacktestReport, BacktestRun, GridStudy, TradedSegment } from "../backtest";
import type { Calibrator } from "../calibration";
import type { Bars, LoadDataOptions, ValidationReport } from "../data";
import type { BlendCombiner, Importance, Model } from "../models";
import type { GateVerdict } from "../promotion";
import type { LedgerStats, TrialEntry, TrialLedger } from "../tracking";
import type { LeakageReport, SplitPlan } from "../validation";
import type { Scores } from "./classificationMetrics";
import type { EnsembleConfig, ExperimentConfig } from "./config";
import type { Panel } from "./panel";
import type { ProgressStep } from "./phaseNames";
import type { FoldChoice } from "./foldFitter";
import type { RegimeBreakdown } from "./regimeBreakdown";
import type { TickerBacktest } from "./tickerBacktests";

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
  /** The raw (uncalibrated) out-of-fold probabilities `oosRaw` scores: the report's before-calibration reliability. */
  oofRawProbs: Float64Array;
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

/** The run's blend of its models (the `ensemble:` block), fitted by oofBlendWeights.ts. */
export interface BlendResult {
  kind: EnsembleConfig["kind"];
  members: string[];
  /** Each member's share: the linear blend's weights; stacking: its share of the meta-model's |coefficients|. */
  weights: Float64Array;
  /** What blends the members' calibrated probabilities, fitted on every OOF row (the holdout's and the saved model's). */
  combiner: BlendCombiner;
  /** Folds whose OOF rows a combiner fitted outside them blended (null: the kind fits nothing). */
  crossFitted: { fitted: number; folds: number } | null;
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
  /** The traded variant per ticker: each ticker traded alone, and its trades' share of the portfolio's P&L. */
  byTicker: TickerBacktest[];
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
  /** The traded series cut at the holdout: out of sample, and the final holdout (the go/no-go gates read one). */
  segments: { oos: TradedSegment; holdout: TradedSegment };
  /** The `backtest.grid:` study on the selected variant (a study: the headline stays the configured point); null without one. */
  grid: GridResult | null;
}

/** A threshold/sizing grid on `variant`'s out-of-sample probabilities; its points are trials `<variant>@grid:<point>`. */
export interface GridResult extends GridStudy {
  variant: string;
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
  /** Per model (as `models`), what its search and feature selection chose per fold and in the final refit; null without them. */
  foldChoices: (FoldChoice[] | null)[];
  ensemble: BlendResult | null;
  /** The variant the run stands for (registered on promotion): "ensemble" or a model's name. */
  selected: string;
  /** Regime id per panel row (NaN where undefined) and the scheme they come from, as calibration used them. */
  regimes: { scheme: string; names: readonly string[]; ids: Float64Array };
  backtest: BacktestResult;
  /** Out-of-sample scores and backtest returns per regime (and ticker): regimeBreakdown.ts. */
  regimeBreakdown: RegimeBreakdown;
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
  /** Told as each phase starts (and `record` as a tracked run's record steps start): a job's progress. */
  onPhase?: (step: ProgressStep) => void;
  /** Where `bundled` data is read (default: found from the working directory). */
  dataDir?: string;
  /** The operational store's query, for `data.source: store` (a retrain's fresh bars). */
  fromStore?: LoadDataOptions["fromStore"];
}
