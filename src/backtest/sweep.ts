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
import { atr as atrSeries } from "./atr";
import { BarStepKernel } from "./barStep";
import { type EngineConfig, type EngineConfigInput, parseEngineConfig } from "./config";
import { rollingVolatility } from "./rollingVolatility";
import { positionFraction } from "./sizing";
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
  return buildSweep(bars, signals, columns, config, options).stepper;
}

export function sweep(
  bars: Bars,
  signals: Int8Array,
  columns: number,
  config: EngineConfigInput = {},
  options: SweepOptions = {},
): SweepResult {
  const { stepper, kernel } = buildSweep(bars, signals, columns, config, options);
  // Tile by tile, column by column: a tile's prices stay in cache while each column reads a
  // contiguous run of its column-major signals, instead of striding across every column per bar.
  const n = bars.ts.length;
  const TILE = 2048;
  for (let t0 = 0; t0 < n; t0 += TILE) {
    const t1 = Math.min(n, t0 + TILE);
    for (let c = 0; c < columns; c++) kernel.advance(c, t0, t1);
  }
  return stepper.result();
}

function buildSweep(bars: Bars, signals: Int8Array, columns: number, config: EngineConfigInput, options: SweepOptions) {
  const cfg = parseEngineConfig(config);
  checkSweepInputs(bars, signals, columns, cfg, options);
  const returns = options.keepReturns ? new Float64Array(bars.ts.length * columns) : null;
  const kernel = sweepKernel(bars, signals, columns, cfg, options, returns);
  const stepper: SweepStepper = {
    bars: bars.ts.length,
    step: (t) => kernel.step(t),
    result: () => sweepResult(kernel, cfg, bars, returns),
  };
  return { stepper, kernel };
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

/** One kernel account per column, all on the same market. */
function sweepKernel(
  bars: Bars,
  signals: Int8Array,
  columns: number,
  cfg: EngineConfig,
  options: SweepOptions,
  returns: Float64Array | null,
): BarStepKernel {
  const { backtest: bt, costs, sizing } = cfg;
  const st = bt.stops;
  const n = bars.ts.length;
  const ppy = bt.periods_per_year ?? periodsPerYear(bars.timeframe);
  const needAtr = st.stop_loss_atr !== null || st.take_profit_atr !== null || costs.slippage_atr > 0;
  const needSigma = sizing.kind === "vol_target" || costs.impact === "sqrt";
  const atr = needAtr ? atrSeries(bars.high, bars.low, bars.close, st.atr_period) : null;
  const sigma = needSigma ? rollingVolatility(bars.close, sizing.vol_lookback) : null;
  // Per bar, shared by all columns: the size fraction a signal there gets (0: no entry, as in
  // simulate during ATR/volatility warm-up).
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
  const market = {
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume ?? null,
    atr,
    sigma,
    volatile: options.volatile ?? null,
  };
  return new BarStepKernel({
    config: cfg,
    periodsPerYear: ppy,
    ts: bars.ts,
    markets: Array.from({ length: columns }, () => market),
    signals,
    accountSizes: new Array<number>(columns).fill(1),
    entryFraction: (_c, t) => entryFrac[t],
    lastBar: n - 1,
    record: returns ? { returns } : undefined,
    ruinMessage: (c, t, eq) => `sweep: column ${c} equity ${eq} at index ${t}: ruin`,
    signalMessage: (c, t, raw) =>
      `signal for ${bars.ticker} column ${c}: value at index ${t} is ${raw}, expected -1, 0 or 1`,
  });
}

function sweepResult(kernel: BarStepKernel, cfg: EngineConfig, bars: Bars, returns: Float64Array | null): SweepResult {
  const m = kernel.columns;
  const k = bars.ts.length - 1;
  const sqrtPpy = Math.sqrt(cfg.backtest.periods_per_year ?? periodsPerYear(bars.timeframe));
  const sharpePerPeriod = new Float64Array(m);
  const sharpe = new Float64Array(m);
  const totalReturn = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    const mu = kernel.excessSum[c] / k;
    const v = (kernel.excessSumSq[c] - kernel.excessSum[c] * mu) / (k - 1);
    sharpePerPeriod[c] = v > 0 ? mu / Math.sqrt(v) : 0;
    sharpe[c] = sharpePerPeriod[c] * sqrtPpy;
    totalReturn[c] = kernel.equity[c] / cfg.backtest.initial_capital - 1;
  }
  return {
    columns: m,
    finalEquity: kernel.equity,
    totalReturn,
    sharpe,
    sharpePerPeriod,
    maxDrawdown: kernel.maxDrawdown,
    trades: kernel.exits,
    costs: kernel.costsPaid,
    pauses: kernel.pauses,
    returns,
  };
}
