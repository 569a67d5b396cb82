/**
 * The report's breakdowns of the selected variant: by ticker (its out-of-sample and holdout
 * scores on the ticker's rows, the ticker traded alone, its trades' share of the portfolio's
 * P&L) and by regime (the scores on each regime's rows, the traded returns in the regime's bars).
 * An edge that lives in one ticker or one regime shows here before it fails live.
 */
import type { SegmentStatistics } from "../backtest";
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

export interface RegimeBreakdown {
  regime: string;
  oos: SliceScores;
  holdout: SliceScores;
  /** The traded returns in the bars of this regime (the first ticker's regime per bar). */
  backtest: SegmentStatistics | null;
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

export function breakdownByRegime(r: ExperimentResult): RegimeBreakdown[] {
  const v = selectedVariant(r);
  const byName = new Map(r.backtest.run.report.byRegime.map((s) => [s.name, s]));
  return r.regimes.names.map((regime, k) => {
    const inRegime = (row: number) => r.regimes.ids[row] === k;
    return {
      regime,
      oos: sliceScores(r.y, v.oof, r.width, rowsWhere(r.plan.rows, inRegime)),
      holdout: sliceScores(r.y, v.holdout, r.width, rowsWhere(r.plan.holdout, inRegime)),
      backtest: byName.get(regime) ?? null,
    };
  });
}
