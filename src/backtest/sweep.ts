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
import { checkBars } from "./validateInputs";

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
  // Participation cap per fill bar: max shares = max_participation x volume of the bar before.
  const capShares = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  if (volume) for (let t = 1; t < n; t++) if (volume[t - 1] >= 0) capShares[t] = maxPart * volume[t - 1];
  const fillPx = atOpen ? open : close;

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

  // One pass over the bars, tile by tile; within a tile every column advances with its state in
  // locals. The tile's prices stay in L1 and each column reads (and writes) a contiguous run of
  // its column-major data, instead of striding across 1,000 columns per bar.
  const TILE = 2048;
  for (let t0 = 0; t0 < n; t0 += TILE) {
    const t1 = Math.min(n, t0 + TILE);
    for (let c = 0; c < m; c++) {
      const base = c * n;
      let q = Q[c];
      let cash = CASH[c];
      let eqPrev = EQ[c];
      let entry = ENTRY[c];
      let holdUntil = HOLD[c];
      let pend = PEND[c];
      let sum = S[c];
      let sumSq = SS[c];
      let peak = PEAK[c];
      let mdd = MDD[c];
      let trades = TRADES[c];
      let paid = COSTS[c];
      for (let t = t0; t < t1; t++) {
        if (pend !== NONE) {
          const px = fillPx[t];
          if (q !== 0 && (q > 0 ? 1 : -1) !== pend) {
            // Exit: sell longs / buy back shorts at the adverse price.
            const shares = q > 0 ? q : -q;
            const notional = shares * px;
            const comm = hasCommission ? Math.max(cBps * notional + cShare * shares, cMin) : 0;
            cash += q * (px * (1 + (q > 0 ? -1 : 1) * lin)) - comm;
            paid += notional * lin + comm;
            trades++;
            q = 0;
          }
          if (pend !== 0 && q === 0) {
            let shares = (frac * eqPrev) / px;
            if (shares > capShares[t]) shares = capShares[t];
            if (shares > 0) {
              const notional = shares * px;
              const comm = hasCommission ? Math.max(cBps * notional + cShare * shares, cMin) : 0;
              q = pend * shares;
              cash -= q * (px * (1 + pend * lin)) + comm;
              paid += notional * lin + comm;
              entry = t;
              holdUntil = t + hold;
            }
          }
          pend = NONE;
        }
        const cl = close[t];
        if (q < 0 && borrow > 0 && (atOpen || entry < t)) {
          const fee = -q * cl * borrow;
          cash -= fee;
          paid += fee;
        }
        let eq = cash + q * cl;
        if (t === n - 1 && q !== 0) {
          // Close what is still open at the last close, with costs (as simulate does).
          const shares = q > 0 ? q : -q;
          const notional = shares * cl;
          const comm = hasCommission ? Math.max(cBps * notional + cShare * shares, cMin) : 0;
          cash += q * (cl * (1 + (q > 0 ? -1 : 1) * lin)) - comm;
          paid += notional * lin + comm;
          trades++;
          q = 0;
          eq = cash;
        }
        if (!(eq > 0)) throw new Error(`sweep: column ${c} equity ${eq} at index ${t}: ruin`);
        const ret = eq / eqPrev - 1;
        eqPrev = eq;
        if (R !== null) R[base + t] = ret;
        if (t > 0) {
          const x = ret - rf;
          sum += x;
          sumSq += x * x;
          if (eq >= peak) peak = eq;
          else if (eq / peak - 1 < mdd) mdd = eq / peak - 1;
        }
        const raw = signals[base + t];
        if (raw !== 0) {
          if (raw !== 1 && raw !== -1) {
            throw new Error(
              `signal for ${bars.ticker} column ${c}: value at index ${t} is ${raw}, expected -1, 0 or 1`,
            );
          }
          if (t === n - 1) continue;
          const sig = longOnly && raw < 0 ? 0 : raw;
          const dir = q > 0 ? 1 : q < 0 ? -1 : 0;
          if (sig !== 0 && dir === sig) holdUntil = t + 1 + hold;
          else if (sig !== 0 || dir !== 0) pend = sig;
        } else if (q !== 0 && t + 1 >= holdUntil) pend = 0;
      }
      Q[c] = q;
      CASH[c] = cash;
      EQ[c] = eqPrev;
      ENTRY[c] = entry;
      HOLD[c] = holdUntil;
      PEND[c] = pend;
      S[c] = sum;
      SS[c] = sumSq;
      PEAK[c] = peak;
      MDD[c] = mdd;
      TRADES[c] = trades;
      COSTS[c] = paid;
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
