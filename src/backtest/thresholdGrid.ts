/**
 * A threshold and sizing grid on one variant's out-of-sample probabilities, traded by the
 * vectorised sweep (sweep.ts, the one order kernel `simulate` shares): one sweep per sizing, a
 * column per threshold pair. The bars before `holdoutStart` (positions from out-of-fold
 * predictions) are where a grid may select: each point's Sharpe there ranks it, and the
 * probability of backtest overfitting (pbo.ts, CSCV) is computed on those bars' returns across
 * the points. The final holdout's bars never select: the best point's holdout figures are read
 * once it has been chosen, as a check of what the choice would have given.
 */
import type { Bars } from "../data";
import { activeReturns, sharpeMoments, sizedBenchmarkReturns } from "./activeReturns";
import { periodsPerYear } from "./annualization";
import { type EngineConfig, type EngineConfigInput, parseEngineConfig } from "./config";
import type { GridConfig } from "./gridConfig";
import { type GridPoint, gridPoints } from "./gridPoints";
import { type PboResult, probabilityOfBacktestOverfitting } from "./pbo";
import { perPeriodRate } from "./returnStatistics";
import { type SegmentFigures, segmentFigures } from "./segmentFigures";
import { signalsFromProbabilities } from "./signals";
import { sweep } from "./sweep";

export interface GridInput {
  bars: Bars;
  /** P(up) and P(down) per bar (NaN where the variant has no prediction). */
  pUp: Float64Array;
  pDown: Float64Array;
  volatile?: Uint8Array;
  /** The run's signal, sizing, cost and backtest blocks; the grid varies thresholds and sizing over them. */
  engine: EngineConfigInput;
  grid: GridConfig;
  /** First bar of the final holdout: bars before it select, bars from it on never do. */
  holdoutStart: number;
  /** Buy-and-hold over the same bars, for each point's active Sharpe (the ledger's second basis). */
  benchmark?: Bars | null;
}

export interface GridPointResult {
  point: GridPoint;
  /** Bars 1..holdoutStart-1: what ranks the points. */
  oos: SegmentFigures;
  /** Per-period Sharpe over every traded bar (1..n-1), the statistic the trial ledger holds for every variant. */
  sharpePerPeriod: number;
  /** The same on active returns against the benchmark; NaN without one. */
  activeSharpePerPeriod: number;
  trades: number;
}

export interface GridStudy {
  points: GridPointResult[];
  /** CSCV across the points on the out-of-sample bars; null with one point or too few bars (see notes). */
  pbo: PboResult | null;
  blocks: number;
  /** Index of the point with the best out-of-sample Sharpe (the first among ties). */
  best: number;
  /** The best point's figures on the final holdout (bars holdoutStart..n-1). */
  bestHoldout: SegmentFigures;
  /** The out-of-sample returns matrix the PBO read: column-major, `rows` x points. */
  oosReturns: { matrix: Float64Array; rows: number };
  notes: string[];
}

export function thresholdGrid(input: GridInput): GridStudy {
  const base = parseEngineConfig(input.engine);
  const { bars, grid, holdoutStart } = input;
  const n = bars.ts.length;
  if (!(holdoutStart >= 3 && holdoutStart <= n)) {
    throw new Error(
      `backtest.grid: the final holdout starts at traded bar ${holdoutStart} of ${n}: no out-of-sample stretch before it to rank the points on`,
    );
  }
  if (base.sizing.kind === "kelly" && grid.sizing === undefined) {
    throw new Error(
      "backtest.grid.sizing: sizing.kind kelly needs each column's probabilities, which the sweep does not take; give the grid fixed or vol_target sizings",
    );
  }
  const notes: string[] = [];
  // The sweep credits no dividends: with adjusted bars the grid trades price returns, said here.
  const useAdjusted = base.backtest.use_adjusted && bars.adjClose !== null;
  if (useAdjusted)
    notes.push("backtest.grid: the sweep trades price returns (no dividends), the headline backtest adjusted ones");
  const ppy = base.backtest.periods_per_year ?? periodsPerYear(bars.timeframe);
  const rf = base.backtest.risk_free;
  const points = gridPoints(grid, base.signals);
  const oosRows = holdoutStart - 1;
  const holdoutRows = n - holdoutStart;
  const oosMatrix = new Float64Array(oosRows * points.length);
  const holdoutMatrix = new Float64Array(holdoutRows * points.length);
  const results: GridPointResult[] = [];
  for (let start = 0; start < points.length; ) {
    let end = start + 1;
    while (end < points.length && points[end].sizing === points[start].sizing) end++;
    const group = points.slice(start, end);
    const engine: EngineConfig = {
      ...base,
      sizing: { ...base.sizing, ...(group[0].sizing ?? {}) },
      // Adjusted closes are ignored (the sweep would refuse them): see the note above.
      backtest: { ...base.backtest, use_adjusted: false },
    };
    const signals = new Int8Array(n * group.length);
    group.forEach((p, c) => {
      signals.set(signalsFromProbabilities(input.pUp, p, input.pDown), c * n);
    });
    const swept = sweep(bars, signals, group.length, engine, { keepReturns: true, volatile: input.volatile });
    const returns = swept.returns as Float64Array;
    const sizedBench = input.benchmark ? sizedBenchmarkReturns(input.benchmark.close, engine.sizing, ppy) : null;
    group.forEach((point, c) => {
      const col = returns.subarray(c * n, (c + 1) * n);
      oosMatrix.set(col.subarray(1, holdoutStart), (start + c) * oosRows);
      holdoutMatrix.set(col.subarray(holdoutStart), (start + c) * holdoutRows);
      const active = sizedBench ? activeReturns(col.subarray(1), sizedBench, perPeriodRate(rf, ppy)) : null;
      results.push({
        point,
        oos: segmentFigures(col, 1, holdoutStart, ppy, rf),
        sharpePerPeriod: swept.sharpePerPeriod[c],
        activeSharpePerPeriod: active ? sharpeMoments(active.returns).sharpePerPeriod : Number.NaN,
        trades: swept.trades[c],
      });
    });
    start = end;
  }
  let best = 0;
  results.forEach((r, i) => {
    if (rank(r.oos.sharpe) > rank(results[best].oos.sharpe)) best = i;
  });
  const bestHoldout = segmentFigures(
    holdoutMatrix.subarray(best * holdoutRows, (best + 1) * holdoutRows),
    0,
    holdoutRows,
    ppy,
    rf,
  );
  let pbo: PboResult | null = null;
  if (points.length < 2) notes.push("backtest.grid: one point, no PBO (it ranks two or more)");
  else if (oosRows < 2 * grid.pbo_blocks) {
    notes.push(
      `backtest.grid: ${oosRows} out-of-sample bars are too few for backtest.grid.pbo_blocks ${grid.pbo_blocks} (2 bars a block); no PBO`,
    );
  } else pbo = probabilityOfBacktestOverfitting(oosMatrix, oosRows, points.length, grid.pbo_blocks);
  return {
    points: results,
    pbo,
    blocks: grid.pbo_blocks,
    best,
    bestHoldout,
    oosReturns: { matrix: oosMatrix, rows: oosRows },
    notes,
  };
}

/** NaN Sharpes (no trades, no variance) rank below every number. */
function rank(sharpe: number): number {
  return Number.isNaN(sharpe) ? Number.NEGATIVE_INFINITY : sharpe;
}
