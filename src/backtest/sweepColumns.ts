/**
 * A sweep's columns run in ranges: the per-bar series every column shares (ATR, volatility, entry
 * sizes) are made once per thread (`sweepMarket`), then a range of columns is one kernel of
 * one-column accounts advanced tile by tile (`runColumns`). Columns are independent accounts,
 * so a range's figures are bit for bit the whole sweep's for those columns, whichever thread
 * ran it (sweepThreads.ts). Shared by sweep.ts and the sweep worker (sweepWorker.ts).
 */
import type { Bars } from "../data";
import { periodsPerYear } from "./annualization";
import { atr as atrSeries } from "./atr";
import { BarStepKernel } from "./barStep";
import type { ColumnMarket } from "./barStepSpec";
import type { EngineConfig } from "./config";
import { rollingVolatility } from "./rollingVolatility";
import { positionFraction } from "./sizing";

/** What every column of a sweep reads: the market and, per bar, the size an entry there gets. */
export interface SweepMarket {
  bars: Bars;
  config: EngineConfig;
  periodsPerYear: number;
  market: ColumnMarket;
  /** Per bar, shared by all columns: the size fraction a signal there gets (0: no entry). */
  entryFrac: Float64Array;
}

/** Per column, what the kernel leaves after the last bar; `sweep`'s figures are made from these. */
export interface ColumnStats {
  equity: Float64Array;
  excessSum: Float64Array;
  excessSumSq: Float64Array;
  maxDrawdown: Float64Array;
  exits: Int32Array;
  costsPaid: Float64Array;
  pauses: Int32Array;
}

/** A range's first error in the order one thread meets it: by tile, then column. */
export interface ColumnsError {
  tile: number;
  column: number;
  message: string;
}

/** Main → worker (sweepThreads.ts): ranges of columns taken through `ctl`. */
export interface SweepJob {
  bars: Bars;
  config: EngineConfig;
  volatile: Uint8Array | null;
  /** Column-major signals of every column, in a SharedArrayBuffer. */
  signals: Int8Array;
  /** Range r covers columns [starts[r], starts[r + 1]). */
  starts: number[];
  /** Int32: [0] next range to take, [1] ranges the workers finished. */
  ctl: SharedArrayBuffer;
}

/** Worker → main, one per range taken. */
export interface RangeResult {
  range: number;
  stats: ColumnStats | null;
  error: ColumnsError | null;
}

/** Bars per tile: a tile's prices stay in cache while each column reads a contiguous run of its signals. */
const TILE = 2048;

export function sweepMarket(bars: Bars, cfg: EngineConfig, volatile: Uint8Array | null): SweepMarket {
  const { backtest: bt, costs, sizing } = cfg;
  const st = bt.stops;
  const n = bars.ts.length;
  const ppy = bt.periods_per_year ?? periodsPerYear(bars.timeframe);
  const needAtr = st.stop_loss_atr !== null || st.take_profit_atr !== null || costs.slippage_atr > 0;
  const needSigma = sizing.kind === "vol_target" || costs.impact === "sqrt";
  const atr = needAtr ? atrSeries(bars.high, bars.low, bars.close, st.atr_period) : null;
  const sigma = needSigma ? rollingVolatility(bars.close, sizing.vol_lookback) : null;
  // As simulate during ATR/volatility warm-up: no entry.
  const sqrtPpy = Math.sqrt(ppy);
  const entryFrac = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const warm = (atr !== null && Number.isNaN(atr[t])) || (sigma !== null && Number.isNaN(sigma[t]));
    const f = warm
      ? 0
      : positionFraction(sizing, {
          sigmaAnnual: sigma ? sigma[t] * sqrtPpy : Number.NaN,
          probability: Number.NaN,
          payoffRatio: 1,
        });
    entryFrac[t] = f > 0 ? Math.min(f, sizing.max_gross) : 0;
  }
  const market: ColumnMarket = {
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume ?? null,
    atr,
    sigma,
    volatile,
  };
  return { bars, config: cfg, periodsPerYear: ppy, market, entryFrac };
}

/**
 * One kernel account per column, all on the same market. `signals` holds this range's columns
 * (column-major); `first` is the sweep's index of its first column, for error messages.
 */
export function columnsKernel(
  sm: SweepMarket,
  signals: Int8Array,
  columns: number,
  first: number,
  returns: Float64Array | null,
): BarStepKernel {
  const { bars, entryFrac } = sm;
  return new BarStepKernel({
    config: sm.config,
    periodsPerYear: sm.periodsPerYear,
    ts: bars.ts,
    markets: Array.from({ length: columns }, () => sm.market),
    signals,
    accountSizes: new Array<number>(columns).fill(1),
    entryFraction: (_c, t) => entryFrac[t],
    lastBar: bars.ts.length - 1,
    record: returns ? { returns } : undefined,
    ruinMessage: (c, t, eq) => `sweep: column ${first + c} equity ${eq} at index ${t}: ruin`,
    signalMessage: (c, t, raw) =>
      `signal for ${bars.ticker} column ${first + c}: value at index ${t} is ${raw}, expected -1, 0 or 1`,
  });
}

/**
 * Advances a range's kernel over every bar, tile by tile and column by column; its first error
 * comes back rather than thrown, so ranges run apart can be ordered as one thread meets them.
 */
export function runColumns(kernel: BarStepKernel, bars: number, first: number): ColumnsError | null {
  for (let t0 = 0; t0 < bars; t0 += TILE) {
    const t1 = Math.min(bars, t0 + TILE);
    for (let c = 0; c < kernel.columns; c++) {
      try {
        kernel.advance(c, t0, t1);
      } catch (e) {
        return { tile: t0 / TILE, column: first + c, message: e instanceof Error ? e.message : String(e) };
      }
    }
  }
  return null;
}

/** The kernel's per-column figures. */
export function statsOf(kernel: BarStepKernel): ColumnStats {
  return {
    equity: kernel.equity,
    excessSum: kernel.excessSum,
    excessSumSq: kernel.excessSumSq,
    maxDrawdown: kernel.maxDrawdown,
    exits: kernel.exits,
    costsPaid: kernel.costsPaid,
    pauses: kernel.pauses,
  };
}

/** One range of a job, on this thread or a worker: the same calls either way. */
export function runRange(sm: SweepMarket, job: SweepJob, range: number): RangeResult {
  const n = sm.bars.ts.length;
  const c0 = job.starts[range];
  const c1 = job.starts[range + 1];
  const kernel = columnsKernel(sm, job.signals.subarray(c0 * n, c1 * n), c1 - c0, c0, null);
  const error = runColumns(kernel, n, c0);
  return { range, stats: error ? null : statsOf(kernel), error };
}
