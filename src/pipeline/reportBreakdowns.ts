/**
 * The report's breakdown of the selected variant by ticker: its out-of-sample and holdout
 * scores on the ticker's rows, the ticker traded alone, its trades' share of the portfolio's
 * P&L. An edge that lives in one ticker shows here before it fails live (by regime: the run's
 * regimeBreakdown.ts).
 */
import { accuracy, predictClasses, rocAuc, rocAucOvr } from "../calibration";
import { presentRows } from "./classificationMetrics";
import type { ExperimentResult } from "./experimentResult";
import { selectedVariant } from "./reportVariants";
import type { TickerBacktest } from "./tickerBacktests";

/** What a slice of rows scores: ROC-AUC (NaN without every class present), accuracy, rows. */
export interface SliceScores {
  rows: number;
  auc: number;
  accuracy: number;
}

export interface TickerBreakdown {
  ticker: string;
  oos: SliceScores;
  holdout: SliceScores;
  backtest: TickerBacktest;
}

export function sliceScores(y: Float64Array, probs: Float64Array, width: number, rows: ArrayLike<number>): SliceScores {
  const p = presentRows(y, probs, width, rows);
  const n = p.y.length;
  if (n === 0) return { rows: 0, auc: Number.NaN, accuracy: Number.NaN };
  const k = width === 1 ? 2 : width;
  const present = new Set(p.y);
  const auc = present.size < k ? Number.NaN : width === 1 ? rocAuc(p.y, p.probs) : rocAucOvr(p.y, p.probs);
  return { rows: n, auc, accuracy: accuracy(p.y, predictClasses(p.probs, n)) };
}

function rowsWhere(rows: Int32Array, keep: (row: number) => boolean): Int32Array {
  return rows.filter(keep);
}

export function breakdownByTicker(r: ExperimentResult): TickerBreakdown[] {
  const v = selectedVariant(r);
  return r.tickers.map((ticker, k) => {
    const own = (row: number) => r.panel.rowTicker[row] === k;
    const backtest = r.backtest.byTicker.find((b) => b.ticker === ticker);
    if (!backtest) throw new Error(`report: no backtest of ticker ${ticker}`);
    return {
      ticker,
      oos: sliceScores(r.y, v.oof, r.width, rowsWhere(r.plan.rows, own)),
      holdout: sliceScores(r.y, v.holdout, r.width, rowsWhere(r.plan.holdout, own)),
      backtest,
    };
  });
}
