/**
 * The numbers behind the report's evaluation sections, computed once per result (report.html
 * and the `evaluation.json` artifact both read them): ranking curves, confusion matrices,
 * reliability before and after calibration, the breakdown by ticker (by regime: the run's own
 * regimeBreakdown, regimes/breakdown.json).
 */
import type { ReliabilityTable } from "../calibration";
import { reliabilityOf, type Scores } from "./classificationMetrics";
import { argmaxConfusion, type ConfusionTable, signalConfusion } from "./confusionTables";
import type { ExperimentResult } from "./experimentResult";
import { type RankingCurve, rankingCurves } from "./rankingCurves";
import { breakdownByTicker, type TickerBreakdown } from "./reportBreakdowns";

export interface VariantReliability {
  variant: string;
  selected: boolean;
  /** The raw out-of-fold probabilities; null for the ensemble (a blend of calibrated members). */
  before: { table: ReliabilityTable; scores: Scores } | null;
  after: { table: ReliabilityTable; scores: Scores };
  /** Folds whose OOF rows were calibrated (the first have too little earlier data and stay raw); null for the ensemble. */
  calibratedFolds: number | null;
}

export interface ReportEvaluation {
  curves: RankingCurve[];
  confusion: { argmax: ConfusionTable; signal: ConfusionTable };
  reliability: VariantReliability[];
  byTicker: TickerBreakdown[];
}

const computed = new WeakMap<ExperimentResult, ReportEvaluation>();

export function reportEvaluation(r: ExperimentResult): ReportEvaluation {
  const known = computed.get(r);
  if (known) return known;
  const evaluation: ReportEvaluation = {
    curves: rankingCurves(r),
    confusion: { argmax: argmaxConfusion(r), signal: signalConfusion(r) },
    reliability: reliabilityOfVariants(r),
    byTicker: breakdownByTicker(r),
  };
  computed.set(r, evaluation);
  return evaluation;
}

function reliabilityOfVariants(r: ExperimentResult): VariantReliability[] {
  const table = (probs: Float64Array) => reliabilityOf(r.y, probs, r.width, r.plan.rows);
  const out: VariantReliability[] = [];
  for (const m of r.models) {
    const before = table(m.oofRawProbs);
    const after = table(m.oofProbs);
    if (!after) continue;
    out.push({
      variant: m.name,
      selected: r.selected === m.name,
      before: before ? { table: before, scores: m.oosRaw } : null,
      after: { table: after, scores: m.oos },
      calibratedFolds: m.calibratedFolds,
    });
  }
  const after = r.ensemble ? table(r.ensemble.oofProbs) : null;
  if (r.ensemble && after) {
    out.push({
      variant: "ensemble",
      selected: r.selected === "ensemble",
      before: null,
      after: { table: after, scores: r.ensemble.oos },
      calibratedFolds: null,
    });
  }
  return out;
}

/** The `evaluation.json` artifact: every number the sections show, without the curves' points. */
export function evaluationJson(r: ExperimentResult) {
  const e = reportEvaluation(r);
  const slice = (s: { rows: number; auc: number; accuracy: number }) => ({
    rows: s.rows,
    auc: s.auc,
    accuracy: s.accuracy,
  });
  return {
    selected: r.selected,
    curves: e.curves.map((c) => ({
      variant: c.variant,
      set: c.set,
      positive: c.positive,
      rows: c.rows,
      positives: c.positives,
      roc_auc: c.auc,
      average_precision: c.pr.averagePrecision,
    })),
    confusion: {
      argmax: e.confusion.argmax,
      signal: {
        ...e.confusion.signal,
        thresholds: { long_above: r.config.signals.long_above, short_above: r.config.signals.short_above },
      },
    },
    reliability: e.reliability.map((v) => ({
      variant: v.variant,
      ece_before: v.before?.scores.ece ?? null,
      ece_after: v.after.scores.ece,
      calibrated_folds: v.calibratedFolds,
    })),
    by_ticker: e.byTicker.map((t) => ({
      ticker: t.ticker,
      oos: slice(t.oos),
      holdout: slice(t.holdout),
      backtest: t.backtest,
    })),
  };
}
