/**
 * Vectorised sweep: many signal columns over one price series in one call (the vectorbt way).
 * The signal matrix is column-major (column c occupies [c*n, (c+1)*n)); the engine makes one
 * pass over the bars and, at each bar, updates every column's state held in typed arrays, so
 * price data is read once and 1,000 variants cost little more than a few.
 *
 * Same rules and the same arithmetic as `simulate` for the options it supports (tests check
 * column by column): execution mode, hold_bars, long_only, fixed-fraction sizing with its caps,
 * commission (bps, per share, minimum), spread, slippage in bps, participation cap, borrow.
 * Options it does not support (stops, ATR slippage, impact, guard rails, other sizing kinds,
 * dividends) are rejected by name instead of being silently ignored: run `simulate` for those.
 */
import type { Bars } from "../data/bars";
import { periodsPerYear } from "./annualization";
import { type EngineConfigInput, parseEngineConfig } from "./config";
import { perPeriodRate } from "./returnStatistics";
import { checkBars, checkSignalValues } from "./validateInputs";

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
  /** Column-major per-bar returns (n x columns) when `keepReturns`; feeds PBO. */
  returns: Float64Array | null;
}

export interface SweepOptions {
  keepReturns?: boolean;
}

const NONE = 2;

/** Packs equal-length signal columns into one column-major matrix. */
export function signalMatrix(columns: readonly Int8Array[]): Int8Array {
  const n = columns[0]?.length ?? 0;
  const out = new Int8Array(n * columns.length);
  columns.forEach((col, c) => {
    if (col.length !== n) throw new Error(`signalMatrix: column ${c} has length ${col.length}, expected ${n}`);
    out.set(col, c * n);
  });
  return out;
}

export function sweep(
  bars: Bars,
  signals: Int8Array,
  columns: number,
  config: EngineConfigInput = {},
  options: SweepOptions = {},
): SweepResult {
  const cfg = parseEngineConfig(config);
  const bt = cfg.backtest;
  const costs = cfg.costs;
  const unsupported: string[] = [];
  if (bt.stops.stop_loss_atr !== null) unsupported.push("backtest.stops.stop_loss_atr");
  if (bt.stops.take_profit_atr !== null) unsupported.push("backtest.stops.take_profit_atr");
  if (bt.guards !== null) unsupported.push("backtest.guards (set null)");
  if (costs.slippage_atr > 0) unsupported.push("costs.slippage_atr");
  if (costs.impact !== "none") unsupported.push("costs.impact");
  if (cfg.sizing.kind !== "fixed") unsupported.push("sizing.kind (only fixed)");
  if (bars.adjClose && bt.use_adjusted) unsupported.push("backtest.use_adjusted with adjClose (set false)");
  if (unsupported.length) throw new Error(`sweep: unsupported options: ${unsupported.join(", ")}; use simulate()`);
  checkBars(bars);
  const n = bars.ts.length;
  if (!Number.isInteger(columns) || columns < 1)
    throw new Error(`sweep: columns must be a positive integer, got ${columns}`);
  if (signals.length !== n * columns) {
    throw new Error(
      `sweep: signal matrix has ${signals.length} values, expected bars x columns = ${n} x ${columns} = ${n * columns} (column-major)`,
    );
  }
  for (let c = 0; c < columns; c++) checkSignalValues(signals, `${bars.ticker} column ${c}`, bars.ts, c * n, n);

  const open = bars.open;
  const close = bars.close;
  const volume = bars.volume;
  const m = columns;
  const atOpen = bt.execution === "next_open";
  const ppy = bt.periods_per_year ?? periodsPerYear(bars.timeframe);
  const rf = perPeriodRate(bt.risk_free, ppy);
  const hold = cfg.signals.hold_bars ?? Number.POSITIVE_INFINITY;
  const longOnly = cfg.signals.long_only;
  const frac = Math.min(Math.min(cfg.sizing.fraction, cfg.sizing.max_position), cfg.sizing.max_gross);
  const lin = (costs.spread_bps / 2 + costs.slippage_bps) / 1e4;
  const cBps = costs.commission_bps / 1e4;
  const cShare = costs.commission_per_share;
  const cMin = costs.commission_min;
  const hasCommission = cBps > 0 || cShare > 0 || cMin > 0;
  const maxPart = costs.max_participation;
  const borrow = costs.borrow_bps_annual / 1e4 / ppy;
  const capital = bt.initial_capital;

  const Q = new Float64Array(m);
  const CASH = new Float64Array(m).fill(capital);
  const EQ = new Float64Array(m).fill(capital);
  const ENTRY = new Int32Array(m);
  const HOLD = new Float64Array(m);
  const PEND = new Int8Array(m).fill(NONE);
  const S = new Float64Array(m);
  const SS = new Float64Array(m);
  const PEAK = new Float64Array(m).fill(capital);
  const MDD = new Float64Array(m);
  const TRADES = new Int32Array(m);
  const COSTS = new Float64Array(m);
  const R = options.keepReturns ? new Float64Array(n * m) : null;

  for (let t = 0; t < n; t++) {
    const px = atOpen ? open[t] : close[t];
    const cl = close[t];
    const prevVol = t > 0 && volume ? volume[t - 1] : Number.NaN;
    const last = t === n - 1;
    for (let c = 0; c < m; c++) {
      let q = Q[c];
      let cash = CASH[c];
      const p = PEND[c];
      if (p !== NONE) {
        PEND[c] = NONE;
        if (q !== 0 && (q > 0 ? 1 : -1) !== p) {
          // Exit: sell longs / buy back shorts at the adverse price.
          const shares = q > 0 ? q : -q;
          const exec = px * (1 + (q > 0 ? -1 : 1) * lin);
          const notional = shares * px;
          let comm = 0;
          if (hasCommission) comm = Math.max(cBps * notional + cShare * shares, cMin);
          cash += q * exec - comm;
          COSTS[c] += notional * lin + comm;
          TRADES[c]++;
          q = 0;
        }
        if (p !== 0 && q === 0) {
          const eqRef = EQ[c];
          let shares = (frac * eqRef) / px;
          if (prevVol >= 0 && shares > maxPart * prevVol) shares = maxPart * prevVol;
          if (shares > 0) {
            const exec = px * (1 + p * lin);
            const notional = shares * px;
            let comm = 0;
            if (hasCommission) comm = Math.max(cBps * notional + cShare * shares, cMin);
            q = p * shares;
            cash -= q * exec + comm;
            COSTS[c] += notional * lin + comm;
            ENTRY[c] = t;
            HOLD[c] = t + hold;
          }
        }
      }
      if (q < 0 && borrow > 0 && (atOpen || ENTRY[c] < t)) {
        const fee = -q * cl * borrow;
        cash -= fee;
        COSTS[c] += fee;
      }
      let eq = cash + q * cl;
      if (last && q !== 0) {
        // Close what is still open at the last close, with costs (as simulate does).
        const shares = q > 0 ? q : -q;
        const exec = cl * (1 + (q > 0 ? -1 : 1) * lin);
        const notional = shares * cl;
        let comm = 0;
        if (hasCommission) comm = Math.max(cBps * notional + cShare * shares, cMin);
        cash += q * exec - comm;
        COSTS[c] += notional * lin + comm;
        TRADES[c]++;
        q = 0;
        eq = cash;
      }
      if (!(eq > 0)) throw new Error(`sweep: column ${c} equity ${eq} at index ${t}: ruin`);
      const ret = eq / EQ[c] - 1;
      EQ[c] = eq;
      if (R !== null) R[c * n + t] = ret;
      if (t > 0) {
        const x = ret - rf;
        S[c] += x;
        SS[c] += x * x;
        if (eq >= PEAK[c]) PEAK[c] = eq;
        else {
          const dd = eq / PEAK[c] - 1;
          if (dd < MDD[c]) MDD[c] = dd;
        }
      }
      Q[c] = q;
      CASH[c] = cash;
      if (last) continue;
      const raw = signals[c * n + t];
      if (raw !== 0) {
        const s = longOnly && raw < 0 ? 0 : raw;
        const dir = q > 0 ? 1 : q < 0 ? -1 : 0;
        if (s !== 0 && dir === s) HOLD[c] = t + 1 + hold;
        else if (s !== 0 || dir !== 0) PEND[c] = s;
      } else if (q !== 0 && t + 1 >= HOLD[c]) PEND[c] = 0;
    }
  }

  const k = n - 1;
  const sharpePerPeriod = new Float64Array(m);
  const sharpe = new Float64Array(m);
  const totalReturn = new Float64Array(m);
  const sqrtPpy = Math.sqrt(ppy);
  for (let c = 0; c < m; c++) {
    const mu = S[c] / k;
    const v = (SS[c] - S[c] * mu) / (k - 1);
    sharpePerPeriod[c] = v > 0 ? mu / Math.sqrt(v) : 0;
    sharpe[c] = sharpePerPeriod[c] * sqrtPpy;
    totalReturn[c] = EQ[c] / capital - 1;
  }
  return {
    columns: m,
    finalEquity: EQ,
    totalReturn,
    sharpe,
    sharpePerPeriod,
    maxDrawdown: MDD,
    trades: TRADES,
    costs: COSTS,
    returns: R,
  };
}
