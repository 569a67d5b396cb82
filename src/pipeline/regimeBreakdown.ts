/**
 * The run's out-of-sample results split by regime (and by ticker): the classification scores of
 * the selected variant on the walk-forward test rows and on the final holdout, and the backtest's
 * per-bar returns, one row per regime. Every split is a partition: a row for the bars without a
 * regime (warm-up) closes it, so the rows (and bars) of a table sum to the whole, and the growth
 * (1 + total return) of its backtest rows multiplies to the whole backtest's.
 *
 * The regimes are the `features.regimes` labels (trend3 always, grid12 when listed), computed
 * with the `regimes:` block's settings from bars ≤ t; a multi-ticker backtest is split by the
 * first ticker's regime, as the backtest report's own regime table. The JSON artifact
 * `regimes/breakdown.json` is this object; report.html draws it.
 */
import { breakdownByRegime, type SegmentStatistics } from "../backtest";
import { GRID_REGIME_CODES, type RegimeFeature, type RegimeLabels, REGIME_COLUMNS } from "../features";
import type { SplitPlan } from "../validation";
import { type Scores, scoreProbabilities } from "./classificationMetrics";
import type { Panel } from "./panel";

export const REGIME_BREAKDOWN_ARTIFACT = "regimes/breakdown.json";

/** The name of the closing row: bars where the split has no value. */
export const UNDEFINED_REGIME = "undefined";

export interface SplitScores {
  /** The regime's (or ticker's) name, or `undefined`. */
  name: string;
  /** Walk-forward test rows (calibrated out-of-fold probabilities). */
  oos: Scores;
  holdout: Scores;
}

export interface SplitReturns extends SegmentStatistics {
  /** Share of the bars with a position whose return was positive (NaN with no such bar). */
  hitRate: number;
}

export interface RegimeSplit {
  /** `trend3`, `grid12`, or `ticker`. */
  split: RegimeFeature | "ticker";
  /** The feature column holding the regime id (null for tickers). */
  column: string | null;
  /** Short headers for tables, in `rows` order (the grid's `H B+ A-`; else the names). */
  codes: string[];
  /** One row per regime (ticker) in id order, then `undefined`. */
  scores: SplitScores[];
  /** One row per regime, then `undefined`; null for the ticker split (the backtest is one portfolio). */
  backtest: SplitReturns[] | null;
}

export interface RegimeBreakdown {
  /** The variant scored and traded: "ensemble" or a model's name. */
  variant: string;
  /** Whole-run figures each table's rows add up to. */
  total: { oosRows: number; holdoutRows: number; backtestBars: number; backtestReturn: number };
  splits: RegimeSplit[];
}

export interface BreakdownInput {
  variant: string;
  tickers: readonly string[];
  panel: Pick<Panel, "rowTicker" | "rowBar">;
  y: Float64Array;
  width: number;
  oofProbs: Float64Array;
  holdoutProbs: Float64Array;
  plan: Pick<SplitPlan, "rows" | "holdout">;
  /** Per scheme, per ticker, the regime labels of its bars. */
  schemes: readonly { scheme: RegimeFeature; labels: readonly RegimeLabels[] }[];
  backtest: {
    returns: Float64Array;
    exposure: Float64Array;
    periodsPerYear: number;
    /** The first ticker's bar index of each backtest bar. */
    tickerBar: Int32Array;
  };
}

/** Scores of `rows` grouped by `idOf(row)` (−1: the undefined group). */
function scoresBy(input: BreakdownInput, names: readonly string[], idOf: (row: number) => number): SplitScores[] {
  const group = (rows: Int32Array) => {
    const out: number[][] = [...names, UNDEFINED_REGIME].map(() => []);
    for (const r of rows) {
      const id = idOf(r);
      out[id < 0 ? names.length : id].push(r);
    }
    return out;
  };
  const oos = group(input.plan.rows);
  const holdout = group(input.plan.holdout);
  return [...names, UNDEFINED_REGIME].map((name, k) => ({
    name,
    oos: scoreProbabilities(input.y, input.oofProbs, input.width, oos[k]),
    holdout: scoreProbabilities(input.y, input.holdoutProbs, input.width, holdout[k]),
  }));
}

function returnsBy(input: BreakdownInput, labels: RegimeLabels): SplitReturns[] {
  const { returns, exposure, periodsPerYear, tickerBar } = input.backtest;
  const k = labels.names.length;
  const ids = Int32Array.from(tickerBar, (i) => (labels.ids[i] < 0 ? k : labels.ids[i]));
  const rows = breakdownByRegime(returns, ids, [...labels.names, UNDEFINED_REGIME], periodsPerYear, exposure);
  return rows.map((row, id) => {
    let held = 0;
    let won = 0;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] !== id || !(exposure[i] > 0)) continue;
      held++;
      if (returns[i] > 0) won++;
    }
    return { ...row, hitRate: held > 0 ? won / held : Number.NaN };
  });
}

export function regimeBreakdown(whole: BreakdownInput): RegimeBreakdown {
  // Bar 0 has no return (the position opens after it): left out, as the backtest report does.
  const b = whole.backtest;
  const backtest = {
    ...b,
    returns: b.returns.subarray(1),
    exposure: b.exposure.subarray(1),
    tickerBar: b.tickerBar.subarray(1),
  };
  const input = { ...whole, backtest };
  const { panel } = input;
  let growth = 1;
  for (const r of backtest.returns) growth *= 1 + r;
  const splits: RegimeSplit[] = input.schemes.map(({ scheme, labels }) => ({
    split: scheme,
    column: REGIME_COLUMNS[scheme][0],
    codes: [...(scheme === "grid12" ? GRID_REGIME_CODES : labels[0].names), UNDEFINED_REGIME],
    scores: scoresBy(input, labels[0].names, (r) => labels[panel.rowTicker[r]].ids[panel.rowBar[r]]),
    backtest: returnsBy(input, labels[0]),
  }));
  if (input.tickers.length > 1) {
    splits.push({
      split: "ticker",
      column: null,
      codes: [...input.tickers, UNDEFINED_REGIME],
      scores: scoresBy(input, input.tickers, (r) => panel.rowTicker[r]),
      backtest: null,
    });
  }
  return {
    variant: input.variant,
    total: {
      oosRows: scoreProbabilities(input.y, input.oofProbs, input.width, input.plan.rows).rows,
      holdoutRows: scoreProbabilities(input.y, input.holdoutProbs, input.width, input.plan.holdout).rows,
      backtestBars: backtest.returns.length,
      backtestReturn: growth - 1,
    },
    splits,
  };
}
