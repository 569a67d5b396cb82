/**
 * The figures of one contiguous stretch of a backtest's per-bar returns: the out-of-sample
 * stretch (what a study may select on) or the final holdout (what it never selects on). The
 * statistics are the report's (returnStatistics.ts); a stretch of fewer than 2 bars has none.
 */
import { returnStatistics } from "./returnStatistics";
import type { SimulationResult } from "./simulate";

export interface SegmentFigures {
  bars: number;
  /** Annualised Sharpe of excess returns (NaN without variance or bars). */
  sharpe: number;
  totalReturn: number;
  /** <= 0, anchored at the stretch's start. */
  maxDrawdown: number;
}

/** Figures of `returns[from, to)`; `riskFree` is annual, as `backtest.risk_free`. */
export function segmentFigures(
  returns: Float64Array,
  from: number,
  to: number,
  periodsPerYear: number,
  riskFree: number,
): SegmentFigures {
  const r = returns.subarray(from, Math.max(from, to));
  if (r.length < 2) return { bars: r.length, sharpe: Number.NaN, totalReturn: Number.NaN, maxDrawdown: Number.NaN };
  const s = returnStatistics(r, { periodsPerYear, riskFree });
  return { bars: r.length, sharpe: s.sharpe, totalReturn: s.totalReturn, maxDrawdown: s.maxDrawdown };
}

/** A stretch's figures and the win rate of the trades entered in it (NaN with none). */
export interface TradedSegment extends SegmentFigures {
  trades: number;
  winRate: number;
}

/**
 * A simulation cut at `holdoutStart`: the out-of-sample stretch (bars 1..holdoutStart-1; bar 0
 * holds no position) and the final holdout (holdoutStart..n-1). A trade belongs to the stretch
 * its entry signal came from, so one entered before the holdout and closed in it is out of sample.
 */
export function simulationSegments(
  sim: SimulationResult,
  holdoutStart: number,
): { oos: TradedSegment; holdout: TradedSegment } {
  const { returns, trades } = sim;
  const rf = sim.config.backtest.risk_free;
  const count = (inHoldout: boolean) => {
    let n = 0;
    let wins = 0;
    for (let i = 0; i < trades.length; i++) {
      if (trades.entryIndex[i] >= holdoutStart !== inHoldout) continue;
      n++;
      if (trades.pnl[i] > 0) wins++;
    }
    return { trades: n, winRate: n ? wins / n : Number.NaN };
  };
  return {
    oos: { ...segmentFigures(returns, 1, holdoutStart, sim.periodsPerYear, rf), ...count(false) },
    holdout: { ...segmentFigures(returns, holdoutStart, returns.length, sim.periodsPerYear, rf), ...count(true) },
  };
}
