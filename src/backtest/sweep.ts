/**
 * Vectorised sweep: many signal columns over one price series in one call (the vectorbt way).
 * The signal matrix is column-major (column c occupies [c*n, (c+1)*n)). Everything that
 * depends only on the price series (ATR, volatility, entry sizes) is computed once; then the
 * bar-step kernel (barStep.ts, the one `simulate` runs on) advances every column as its own
 * account, tile by tile.
 *
 * Same rules and the same arithmetic as `simulate` (tests check column by column): execution
 * mode, hold_bars, long_only, fixed-fraction and vol-target sizing with their caps, all costs
 * (commission, spread, slippage in bps or ATR, square-root impact, participation cap,
 * borrow), ATR stop-loss / take-profit (widened on `volatile` bars) and the guard rails.
 * Not supported, and rejected by name rather than silently ignored: Kelly sizing (needs
 * per-column probabilities) and dividends.
 */
import type { Bars } from "../data";
import { periodsPerYear } from "./annualization";
import { type EngineConfig, type EngineConfigInput, parseEngineConfig } from "./config";
import { type ColumnStats, columnsKernel, runColumns, statsOf, sweepMarket } from "./sweepColumns";
import { sweepOnThreads } from "./sweepThreads";
import { checkAligned, checkBars } from "./validateInputs";

export interface SweepResult {
  columns: number;
  finalEquity: Float64Array;
  totalReturn: Float64Array;
  /** Annualised Sharpe of excess returns over bars 1..n-1 (as in `backtestReport`). */
  sharpe: Float64Array;
  /** Per-period Sharpe, the input of the deflated Sharpe ratio. */
  sharpePerPeriod: Float64Array;
  maxDrawdown: Float64Array;
  trades: Int32Array;
  costs: Float64Array;
  /** Guard-rail pauses per column. */
  pauses: Int32Array;
  /** Column-major per-bar returns (n x columns) when `keepReturns`; feeds PBO. */
  returns: Float64Array | null;
}

export interface SweepOptions {
  keepReturns?: boolean;
  /** 1 where the bar is in a volatile regime: stop distances widen (as `AssetInput.volatile`). */
  volatile?: Uint8Array;
  /**
   * Threads for the columns (sweepThreads.ts): default every core; 1 = this thread. Results are
   * the same. A sweep that keeps its returns runs on this thread.
   */
  threads?: number;
}

/** A sweep stepped bar by bar: `step(t)` for t = 0, 1, ..., n-1, then `result()`. */
export interface SweepStepper {
  readonly bars: number;
  step(t: number): void;
  result(): SweepResult;
}

/** The sweep as a bar-by-bar stepper; `sweep` runs the same kernel over the whole series. */
export function sweepStepper(
  bars: Bars,
  signals: Int8Array,
  columns: number,
  config: EngineConfigInput = {},
  options: SweepOptions = {},
): SweepStepper {
  const cfg = parseEngineConfig(config);
  checkSweepInputs(bars, signals, columns, cfg, options);
  const returns = options.keepReturns ? new Float64Array(bars.ts.length * columns) : null;
  const kernel = columnsKernel(sweepMarket(bars, cfg, options.volatile ?? null), signals, columns, 0, returns);
  return {
    bars: bars.ts.length,
    step: (t) => kernel.step(t),
    result: () => sweepResult(statsOf(kernel), cfg, bars, returns),
  };
}

export function sweep(
  bars: Bars,
  signals: Int8Array,
  columns: number,
  config: EngineConfigInput = {},
  options: SweepOptions = {},
): SweepResult {
  const cfg = parseEngineConfig(config);
  checkSweepInputs(bars, signals, columns, cfg, options);
  const sm = sweepMarket(bars, cfg, options.volatile ?? null);
  const returns = options.keepReturns ? new Float64Array(bars.ts.length * columns) : null;
  // A kept returns matrix (8 bytes per bar and column, fresh memory) makes the sweep memory-bound:
  // a worker's part copied back cost more than its kernel work saved (bench/backtest.ts).
  const threaded = returns ? null : sweepOnThreads(sm, signals, columns, options.threads ?? 0);
  if (threaded) return sweepResult(threaded, cfg, bars, null);
  const kernel = columnsKernel(sm, signals, columns, 0, returns);
  const error = runColumns(kernel, bars.ts.length, 0);
  if (error) throw new Error(error.message);
  return sweepResult(statsOf(kernel), cfg, bars, returns);
}

function checkSweepInputs(bars: Bars, signals: Int8Array, columns: number, cfg: EngineConfig, options: SweepOptions) {
  const unsupported: string[] = [];
  if (cfg.sizing.kind === "kelly") unsupported.push("sizing.kind kelly");
  if (bars.adjClose && cfg.backtest.use_adjusted) unsupported.push("backtest.use_adjusted with adjClose (set false)");
  if (unsupported.length) throw new Error(`sweep: unsupported options: ${unsupported.join(", ")}; use simulate()`);
  checkBars(bars);
  const n = bars.ts.length;
  if (!Number.isInteger(columns) || columns < 1) {
    throw new Error(`sweep: columns must be a positive integer, got ${columns}`);
  }
  if (signals.length !== n * columns) {
    throw new Error(
      `sweep: signal matrix has ${signals.length} values, expected bars x columns = ${n} x ${columns} = ${n * columns} (column-major)`,
    );
  }
  if (options.volatile) checkAligned("volatile", bars.ticker, options.volatile.length, bars);
}

function sweepResult(stats: ColumnStats, cfg: EngineConfig, bars: Bars, returns: Float64Array | null): SweepResult {
  const m = stats.equity.length;
  const k = bars.ts.length - 1;
  const sqrtPpy = Math.sqrt(cfg.backtest.periods_per_year ?? periodsPerYear(bars.timeframe));
  const sharpePerPeriod = new Float64Array(m);
  const sharpe = new Float64Array(m);
  const totalReturn = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    const mu = stats.excessSum[c] / k;
    const v = (stats.excessSumSq[c] - stats.excessSum[c] * mu) / (k - 1);
    sharpePerPeriod[c] = v > 0 ? mu / Math.sqrt(v) : 0;
    sharpe[c] = sharpePerPeriod[c] * sqrtPpy;
    totalReturn[c] = stats.equity[c] / cfg.backtest.initial_capital - 1;
  }
  return {
    columns: m,
    finalEquity: stats.equity,
    totalReturn,
    sharpe,
    sharpePerPeriod,
    maxDrawdown: stats.maxDrawdown,
    trades: stats.exits,
    costs: stats.costsPaid,
    pauses: stats.pauses,
    returns,
  };
}
