/**
 * Vectorised sweep: many signal columns over one price series in one call (the vectorbt way).
 * The signal matrix is column-major (column c occupies [c*n, (c+1)*n)). Everything that
 * depends only on the price series (ATR, volatility, participation caps) is computed once;
 * then one pass over the bars, tile by tile, advances every column with its state in locals.
 *
 * Same rules and the same arithmetic as `simulate` (tests check column by column): execution
 * mode, hold_bars, long_only, fixed-fraction and vol-target sizing with their caps, all costs
 * (commission, spread, slippage in bps or ATR, square-root impact, participation cap,
 * borrow), ATR stop-loss / take-profit (widened on `volatile` bars) and the guard rails.
 * Not supported, and rejected by name rather than silently ignored: Kelly sizing (needs
 * per-column probabilities) and dividends.
 */
import type { Bars } from "../data/bars";
import { periodsPerYear } from "./annualization";
import { atr as atrSeries } from "./atr";
import { type EngineConfigInput, parseEngineConfig } from "./config";
import { fillCost } from "./costs";
import { stopExitPrice } from "./stopExitPrice";
import { perPeriodRate } from "./returnStatistics";
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
  const sizing = cfg.sizing;
  const st = bt.stops;
  const unsupported: string[] = [];
  if (sizing.kind === "kelly") unsupported.push("sizing.kind kelly");
  if (bars.adjClose && bt.use_adjusted) unsupported.push("backtest.use_adjusted with adjClose (set false)");
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

  const open = bars.open;
  const high = bars.high;
  const low = bars.low;
  const close = bars.close;
  const volume = bars.volume;
  const m = columns;
  const atOpen = bt.execution === "next_open";
  const ppy = bt.periods_per_year ?? periodsPerYear(bars.timeframe);
  const sqrtPpy = Math.sqrt(ppy);
  const rf = perPeriodRate(bt.risk_free, ppy);
  const hold = cfg.signals.hold_bars ?? Number.POSITIVE_INFINITY;
  const longOnly = cfg.signals.long_only;
  const hasStops = st.stop_loss_atr !== null || st.take_profit_atr !== null;
  const needAtr = hasStops || costs.slippage_atr > 0;
  const needSigma = sizing.kind === "vol_target" || costs.impact === "sqrt";
  const atr = needAtr ? atrSeries(bars.high, bars.low, bars.close, st.atr_period) : null;
  const sigma = needSigma ? rollingVolatility(close, sizing.vol_lookback) : null;
  const volatile = options.volatile ?? null;
  const borrow = costs.borrow_bps_annual / 1e4 / ppy;
  const capital = bt.initial_capital;
  const NaN_ = Number.NaN;
  // Per bar, shared by all columns: the size fraction a signal there would get (0: no entry,
  // as in simulate during ATR/volatility warm-up) and the participation cap of a fill there.
  const entryFrac = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const warm = (atr !== null && Number.isNaN(atr[t])) || (sigma !== null && Number.isNaN(sigma[t]));
    const f = warm
      ? 0
      : positionFraction(sizing, {
          sigmaAnnual: sigma ? sigma[t] * sqrtPpy : NaN_,
          probability: NaN_,
          payoffRatio: 1,
        });
    entryFrac[t] = f > 0 ? Math.min(f, sizing.max_gross) : 0;
  }
  const capShares = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  if (volume) {
    for (let t = 1; t < n; t++) if (volume[t - 1] >= 0) capShares[t] = costs.max_participation * volume[t - 1];
  }
  const fillPx = atOpen ? open : close;

  const Q = new Float64Array(m);
  const CASH = new Float64Array(m).fill(capital);
  const EQ = new Float64Array(m).fill(capital);
  const ENTRY = new Int32Array(m);
  const HOLD = new Float64Array(m);
  const PEND = new Int8Array(m).fill(NONE);
  const PFRAC = new Float64Array(m);
  const SL = new Float64Array(m);
  const TP = new Float64Array(m);
  const S = new Float64Array(m);
  const SS = new Float64Array(m);
  const PEAK = new Float64Array(m).fill(capital);
  const MDD = new Float64Array(m);
  const TRADES = new Int32Array(m);
  const COSTS = new Float64Array(m);
  const R = options.keepReturns ? new Float64Array(n * m) : null;

  // Guard rails, per column, with simulate's rules (see simulate.ts): 0 trading, 1 paused on
  // drawdown, 2 on daily loss, 3 on win rate.
  const guards = bt.guards;
  const maxDd = guards?.max_drawdown ?? null;
  const maxDaily = guards?.max_daily_loss ?? null;
  const cooldown = guards?.cooldown_bars ?? 0;
  const winGuard = guards !== null && guards.min_win_rate !== null;
  const minWin = guards?.min_win_rate ?? 0;
  const W = guards?.win_rate_trades ?? 1;
  const RING = new Uint8Array(winGuard ? m * W : 0);
  const WCOUNT = new Int32Array(m);
  const WSUM = new Int32Array(m);
  const KIND = new Int8Array(m);
  const PAUSED_AT = new Int32Array(m);
  const PAUSES = new Int32Array(m);
  const HWM = new Float64Array(m).fill(capital);
  const SESS = new Float64Array(m).fill(capital);
  const ERAW = new Float64Array(m);
  const TCOST = new Float64Array(m);
  const day = guards ? Float64Array.from(bars.ts, (x) => Math.floor(x / 86_400_000)) : new Float64Array(0);
  /** Records a closed trade's outcome; true when the rolling win rate breaches the floor. */
  const recordTrade = (c: number, win: boolean): boolean => {
    const at = c * W + (WCOUNT[c] % W);
    if (WCOUNT[c] >= W) WSUM[c] -= RING[at];
    RING[at] = win ? 1 : 0;
    WSUM[c] += RING[at];
    WCOUNT[c]++;
    return WCOUNT[c] >= W && WSUM[c] / W < minWin;
  };

  // One pass over the bars, tile by tile; within a tile every column advances with its state in
  // locals. The tile's prices stay in L1 and each column reads (and writes) a contiguous run of
  // its column-major data, instead of striding across 1,000 columns per bar. Fills are rare,
  // so they go through `fillCost`, the same function `simulate` uses.
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
      let pfrac = PFRAC[c];
      let sl = SL[c];
      let tp = TP[c];
      let sum = S[c];
      let sumSq = SS[c];
      let peak = PEAK[c];
      let mdd = MDD[c];
      let trades = TRADES[c];
      let paid = COSTS[c];
      let kind = KIND[c];
      let pausedAt = PAUSED_AT[c];
      let hwm = HWM[c];
      let sess = SESS[c];
      let eraw = ERAW[c];
      let tcost = TCOST[c];
      for (let t = t0; t < t1; t++) {
        let breach = false;
        // close_delay: the bar's range can hit a stop before the fill at its close.
        if (hasStops && !atOpen && q !== 0) {
          const px = stopExitPrice(q, sl, tp, open[t], high[t], low[t], entry < t);
          if (!Number.isNaN(px)) {
            const d = t - 1;
            const fc = fillCost(costs, q > 0 ? -1 : 1, {
              price: px,
              shares: Math.abs(q),
              atr: atr ? atr[d] : NaN_,
              sigma: sigma ? sigma[d] : NaN_,
              volume: volume ? volume[d] : NaN_,
            });
            cash += q * fc.execPrice - fc.commission;
            paid += fc.linear + fc.impact;
            trades++;
            if (winGuard && recordTrade(c, q * (px - eraw) - (tcost + fc.linear + fc.impact) > 0)) breach = true;
            q = 0;
          }
        }
        if (pend !== NONE) {
          const px = fillPx[t];
          const d = t - 1;
          if (q !== 0 && (q > 0 ? 1 : -1) !== pend) {
            const fc = fillCost(costs, q > 0 ? -1 : 1, {
              price: px,
              shares: Math.abs(q),
              atr: atr ? atr[d] : NaN_,
              sigma: sigma ? sigma[d] : NaN_,
              volume: volume ? volume[d] : NaN_,
            });
            cash += q * fc.execPrice - fc.commission;
            paid += fc.linear + fc.impact;
            trades++;
            if (winGuard && recordTrade(c, q * (px - eraw) - (tcost + fc.linear + fc.impact) > 0)) breach = true;
            q = 0;
          }
          if (pend !== 0 && q === 0) {
            let shares = (pfrac * eqPrev) / px;
            if (shares > capShares[t]) shares = capShares[t];
            if (shares > 0) {
              const fc = fillCost(costs, pend, {
                price: px,
                shares,
                atr: atr ? atr[d] : NaN_,
                sigma: sigma ? sigma[d] : NaN_,
                volume: volume ? volume[d] : NaN_,
              });
              q = pend * shares;
              cash -= q * fc.execPrice + fc.commission;
              paid += fc.linear + fc.impact;
              eraw = px;
              tcost = fc.linear + fc.impact;
              entry = t;
              holdUntil = t + hold;
              if (hasStops) {
                const widen = volatile?.[d] ? st.volatile_widen : 1;
                const a = atr![d];
                sl = st.stop_loss_atr === null ? NaN_ : px - pend * st.stop_loss_atr * widen * a;
                tp = st.take_profit_atr === null ? NaN_ : px + pend * st.take_profit_atr * widen * a;
              }
            }
          }
          pend = NONE;
        }
        // next_open: stops apply from the fill at the open on.
        if (hasStops && atOpen && q !== 0) {
          const px = stopExitPrice(q, sl, tp, open[t], high[t], low[t], entry < t);
          if (!Number.isNaN(px)) {
            const d = t - 1;
            const fc = fillCost(costs, q > 0 ? -1 : 1, {
              price: px,
              shares: Math.abs(q),
              atr: atr ? atr[d] : NaN_,
              sigma: sigma ? sigma[d] : NaN_,
              volume: volume ? volume[d] : NaN_,
            });
            cash += q * fc.execPrice - fc.commission;
            paid += fc.linear + fc.impact;
            trades++;
            if (winGuard && recordTrade(c, q * (px - eraw) - (tcost + fc.linear + fc.impact) > 0)) breach = true;
            q = 0;
          }
        }
        const cl = close[t];
        if (q < 0 && borrow > 0 && (atOpen || entry < t)) {
          const fee = -q * cl * borrow;
          cash -= fee;
          paid += fee;
          tcost += fee;
        }
        let eq = cash + q * cl;
        if (t === n - 1 && q !== 0) {
          // Close what is still open at the last close, with costs (as simulate does).
          const d = t - 1;
          const fc = fillCost(costs, q > 0 ? -1 : 1, {
            price: cl,
            shares: Math.abs(q),
            atr: atr ? atr[d] : NaN_,
            sigma: sigma ? sigma[d] : NaN_,
            volume: volume ? volume[d] : NaN_,
          });
          cash += q * fc.execPrice - fc.commission;
          paid += fc.linear + fc.impact;
          trades++;
          q = 0;
          eq = cash;
        }
        if (!(eq > 0)) throw new Error(`sweep: column ${c} equity ${eq} at index ${t}: ruin`);
        const prevEq = eqPrev;
        const ret = eq / prevEq - 1;
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
        if (raw !== 0 && raw !== 1 && raw !== -1) {
          throw new Error(`signal for ${bars.ticker} column ${c}: value at index ${t} is ${raw}, expected -1, 0 or 1`);
        }
        if (guards !== null) {
          if (kind !== 0 && (kind === 2 ? day[t] > day[pausedAt] : t - pausedAt >= cooldown)) {
            if (kind === 1) hwm = eq;
            if (kind === 3) WCOUNT[c] = WSUM[c] = 0;
            kind = 0;
          }
          if (eq > hwm) hwm = eq;
          if (t > 0 && day[t] !== day[t - 1]) sess = prevEq;
          if (kind === 0) {
            if (maxDd !== null && eq / hwm - 1 < -maxDd) kind = 1;
            else if (maxDaily !== null && eq / sess - 1 < -maxDaily) kind = 2;
            else if (breach) kind = 3;
            if (kind !== 0) {
              // Flatten at the next fill; signals are dropped while paused.
              pausedAt = t;
              PAUSES[c]++;
              pend = q !== 0 ? 0 : NONE;
            }
          }
          if (kind !== 0) continue;
        }
        if (raw !== 0) {
          if (t === n - 1) continue;
          const sig = longOnly && raw < 0 ? 0 : raw;
          const dir = q > 0 ? 1 : q < 0 ? -1 : 0;
          if (sig !== 0 && dir === sig) holdUntil = t + 1 + hold;
          else if (sig !== 0 && entryFrac[t] > 0) {
            pend = sig;
            pfrac = entryFrac[t];
          } else if (dir !== 0) pend = 0;
        } else if (q !== 0 && t + 1 >= holdUntil) pend = 0;
      }
      Q[c] = q;
      CASH[c] = cash;
      EQ[c] = eqPrev;
      ENTRY[c] = entry;
      HOLD[c] = holdUntil;
      PEND[c] = pend;
      PFRAC[c] = pfrac;
      SL[c] = sl;
      TP[c] = tp;
      S[c] = sum;
      SS[c] = sumSq;
      PEAK[c] = peak;
      MDD[c] = mdd;
      TRADES[c] = trades;
      COSTS[c] = paid;
      KIND[c] = kind;
      PAUSED_AT[c] = pausedAt;
      HWM[c] = hwm;
      SESS[c] = sess;
      ERAW[c] = eraw;
      TCOST[c] = tcost;
    }
  }

  const k = n - 1;
  const sharpePerPeriod = new Float64Array(m);
  const sharpe = new Float64Array(m);
  const totalReturn = new Float64Array(m);
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
    pauses: PAUSES,
    returns: R,
  };
}
