/**
 * The event-accurate backtest engine: signals → orders → fills → equity, for one ticker or a
 * portfolio of tickers sharing one cash account and the same rules.
 *
 * Timing (a signal never trades on the bar that produced it):
 *   signal read at bar t's close → order filled at bar t+1's open (`next_open`, default) or at
 *   bar t+1's close (`close_delay`). Sizes, stop distances and cost inputs use values known at
 *   bar t (equity, ATR, volatility, volume of bar t).
 * Per bar, in order: dividends for positions carried into the bar → (next_open) pending fills
 * at the open → stop-loss / take-profit inside the bar's range (a gap through a level fills at
 * the open; a bar touching both assumes the stop-loss) → (close_delay) pending fills at the
 * close → short borrow fee → mark to market at the close → guard rails → next decisions.
 * Holding: a position is held for `hold_bars` bars (or until the next opposite signal when
 * null); a same-direction signal restarts the clock; an opposite signal reverses (exits only
 * when long-only). Open positions are closed at the last bar's close with costs ("end").
 * Shares are fractional: size = fraction × equity at the signal bar / raw fill price.
 *
 * Guard rails (`backtest.guards`, checked at each close, portfolio-wide): a breach closes all
 * positions at the next fill and blocks new entries. Resume rules: drawdown beyond
 * `max_drawdown` → resume after `cooldown_bars` bars with the high-water mark reset to the
 * equity at resumption; win rate of the last `win_rate_trades` trades below `min_win_rate` →
 * resume after `cooldown_bars` bars with the trade window emptied; loss beyond
 * `max_daily_loss` against the previous session's last close → resume at the first bar of the
 * next session (UTC date; US sessions never straddle midnight UTC). Signals seen while
 * paused are dropped, not queued. Every pause and resume is in `guardEvents`.
 */
import type { Bars } from "../data/bars";
import { periodsPerYear } from "./annualization";
import { atr as atrSeries } from "./atr";
import { type EngineConfig, type EngineConfigInput, parseEngineConfig } from "./config";
import { fillCost } from "./costs";
import { rollingVolatility } from "./rollingVolatility";
import { stopExitPrice } from "./stopExitPrice";
import { positionFraction } from "./sizing";
import { EXIT, type TradeLog, TradeLogBuilder } from "./tradeLog";
import { checkAligned, checkBars, checkRange, checkSameTimestamps, checkSignalValues } from "./validateInputs";

export interface AssetInput {
  bars: Bars;
  /** Per bar: +1 long, -1 short (an exit when long-only), 0 no signal. */
  signal: Int8Array;
  /** Calibrated probability of the signalled side, per bar (needed by Kelly sizing). */
  probability?: Float64Array;
  /** Explicit size per signal bar as a fraction of equity (overrides the sizing kind; still capped). */
  size?: Float64Array;
  /** Cash dividend per share, on its ex-date bar. Overrides dividends implied by `bars.adjClose`. */
  dividends?: Float64Array;
  /** 1 where the bar is in a volatile regime: stop distances widen by `stops.volatile_widen`. */
  volatile?: Uint8Array;
}

export type ReturnBasis = "price" | "total_return_dividends" | "total_return_adjusted";

export interface GuardEvent {
  index: number;
  ts: number;
  kind: "win_rate" | "drawdown" | "daily_loss";
  action: "pause" | "resume";
}

export interface SimulationResult {
  ts: Float64Array;
  /** Marked at each bar's close. */
  equity: Float64Array;
  /** equity[t] / equity[t-1] - 1; returns[0] against the initial capital. */
  returns: Float64Array;
  /** equity / running peak - 1 (<= 0). */
  drawdown: Float64Array;
  /** Sum of |position value| / equity at each close. */
  grossExposure: Float64Array;
  trades: TradeLog;
  guardEvents: GuardEvent[];
  /** Sum over fills of traded notional / equity at the signal bar. */
  tradedFraction: number;
  initialCapital: number;
  periodsPerYear: number;
  returnBasis: ReturnBasis;
  config: EngineConfig;
}

const NONE = 2;

/** Implied cash dividend per share from an adjusted close: close[t-1] * adj[t]/adj[t-1] - close[t]. */
export function impliedDividends(close: Float64Array, adjClose: Float64Array): Float64Array {
  const out = new Float64Array(close.length);
  for (let t = 1; t < close.length; t++) {
    const d = close[t - 1] * (adjClose[t] / adjClose[t - 1]) - close[t];
    // Rounded source prices leave noise of ~1e-6 relative; only real distributions count.
    out[t] = d > 1e-4 * close[t] ? d : 0;
  }
  return out;
}

interface Prepared {
  bars: Bars;
  signal: Int8Array;
  probability: Float64Array | null;
  size: Float64Array | null;
  dividends: Float64Array | null;
  volatile: Uint8Array | null;
  atr: Float64Array | null;
  sigma: Float64Array | null;
}

function prepare(assets: AssetInput[], cfg: EngineConfig): { prepared: Prepared[]; basis: ReturnBasis } {
  if (assets.length === 0) throw new Error("backtest: no assets given");
  for (const a of assets) {
    checkBars(a.bars);
    const label = a.bars.ticker;
    checkAligned("signal", label, a.signal.length, a.bars);
    checkSignalValues(a.signal, label, a.bars.ts);
    if (a.probability) {
      checkAligned("probability", label, a.probability.length, a.bars);
      checkRange("probability", label, a.probability, a.bars.ts, 0, 1, true);
    }
    if (a.size) {
      checkAligned("size", label, a.size.length, a.bars);
      checkRange("size", label, a.size, a.bars.ts, 0, Number.POSITIVE_INFINITY, true);
    }
    if (a.dividends) {
      checkAligned("dividends", label, a.dividends.length, a.bars);
      checkRange("dividends", label, a.dividends, a.bars.ts, 0, Number.POSITIVE_INFINITY, false);
    }
    if (a.volatile) checkAligned("volatile", label, a.volatile.length, a.bars);
    if (cfg.sizing.kind === "kelly" && !a.probability && !a.size) {
      throw new Error(`sizing.kind = kelly needs a probability column for ${label}`);
    }
  }
  checkSameTimestamps(assets.map((a) => a.bars));
  const st = cfg.backtest.stops;
  const needAtr = st.stop_loss_atr !== null || st.take_profit_atr !== null || cfg.costs.slippage_atr > 0;
  const needSigma = cfg.sizing.kind === "vol_target" || cfg.costs.impact === "sqrt";
  let basis: ReturnBasis = "price";
  const prepared = assets.map((a): Prepared => {
    const b = a.bars;
    let dividends: Float64Array | null = null;
    if (a.dividends) {
      dividends = a.dividends;
      basis = "total_return_dividends";
    } else if (b.adjClose && cfg.backtest.use_adjusted) {
      dividends = impliedDividends(b.close, b.adjClose);
      if (basis === "price") basis = "total_return_adjusted";
    }
    return {
      bars: b,
      signal: a.signal,
      probability: a.probability ?? null,
      size: a.size ?? null,
      dividends,
      volatile: a.volatile ?? null,
      atr: needAtr ? atrSeries(b.high, b.low, b.close, st.atr_period) : null,
      sigma: needSigma ? rollingVolatility(b.close, cfg.sizing.vol_lookback) : null,
    };
  });
  return { prepared, basis };
}

/** Runs the backtest. One asset or several (a portfolio with one cash account). */
export function simulate(input: AssetInput | AssetInput[], config: EngineConfigInput = {}): SimulationResult {
  const cfg = parseEngineConfig(config);
  const assets = Array.isArray(input) ? input : [input];
  const { prepared, basis } = prepare(assets, cfg);
  const A = prepared.length;
  const ts = prepared[0].bars.ts;
  const n = ts.length;
  const bt = cfg.backtest;
  const costs = cfg.costs;
  const sizing = cfg.sizing;
  const st = bt.stops;
  const guards = bt.guards;
  const atOpen = bt.execution === "next_open";
  const ppy = bt.periods_per_year ?? periodsPerYear(prepared[0].bars.timeframe);
  const hold = cfg.signals.hold_bars;
  const longOnly = cfg.signals.long_only;
  const borrowPerBar = costs.borrow_bps_annual / 1e4 / ppy;
  const payoff =
    sizing.payoff_ratio ?? (st.stop_loss_atr && st.take_profit_atr ? st.take_profit_atr / st.stop_loss_atr : 1);
  const sqrtPpy = Math.sqrt(ppy);

  const qty = new Float64Array(A);
  const entryRaw = new Float64Array(A);
  const entryExec = new Float64Array(A);
  const entryIdx = new Int32Array(A);
  const tradeCost = new Float64Array(A);
  const tradeImpact = new Float64Array(A);
  const tradeDiv = new Float64Array(A);
  const holdUntil = new Float64Array(A);
  const sl = new Float64Array(A);
  const tp = new Float64Array(A);
  const pending = new Int8Array(A).fill(NONE);
  const pendingReason = new Uint8Array(A);
  const pendingFrac = new Float64Array(A);

  const equity = new Float64Array(n);
  const gross = new Float64Array(n);
  const returns = new Float64Array(n);
  const drawdown = new Float64Array(n);
  let peak = bt.initial_capital;
  let prevEquity = bt.initial_capital;
  const log = new TradeLogBuilder(prepared.map((p) => p.bars.ticker));
  const events: GuardEvent[] = [];
  let cash = bt.initial_capital;
  let traded = 0;
  // Counters let the per-bar loop skip whole phases on the (common) bars where nothing happens.
  let openCount = 0;
  let anyPending = false;
  const hasStops = st.stop_loss_atr !== null || st.take_profit_atr !== null;
  const hasDividends = prepared.some((p) => p.dividends !== null);

  // Guard-rail state.
  const winWindow = guards?.win_rate_trades ?? 1;
  const wins = new Uint8Array(winWindow);
  let winCount = 0;
  let winSum = 0;
  let winRateBreach = false;
  let paused: GuardEvent["kind"] | null = null;
  let pausedAt = 0;
  let hwm = bt.initial_capital;
  let sessionStartEquity = bt.initial_capital;
  const DAY = 86_400_000;

  const closeTrade = (a: number, t: number, raw: number, reason: number) => {
    const p = prepared[a];
    const q = qty[a];
    const d = t > 0 ? t - 1 : 0;
    const fc = fillCost(costs, q > 0 ? -1 : 1, {
      price: raw,
      shares: Math.abs(q),
      atr: p.atr ? p.atr[d] : Number.NaN,
      sigma: p.sigma ? p.sigma[d] : Number.NaN,
      volume: p.bars.volume ? p.bars.volume[d] : Number.NaN,
    });
    cash += q * fc.execPrice - fc.commission;
    const c = tradeCost[a] + fc.linear + fc.impact;
    const imp = tradeImpact[a] + fc.impact;
    const grossPnl = q * (raw - entryRaw[a]) + tradeDiv[a];
    traded += Math.abs(q * raw) / (t > 0 ? equity[t - 1] : bt.initial_capital);
    log.push(
      a,
      q > 0 ? 1 : -1,
      entryIdx[a],
      t,
      ts[entryIdx[a]],
      ts[t],
      entryExec[a],
      fc.execPrice,
      Math.abs(q),
      c,
      imp,
      tradeDiv[a],
      grossPnl,
      Math.abs(q * entryRaw[a]),
      reason,
    );
    qty[a] = 0;
    openCount--;
    if (guards && guards.min_win_rate !== null) {
      const slot = winCount % winWindow;
      if (winCount >= winWindow) winSum -= wins[slot];
      wins[slot] = grossPnl - c > 0 ? 1 : 0;
      winSum += wins[slot];
      winCount++;
      if (winCount >= winWindow && winSum / winWindow < guards.min_win_rate) winRateBreach = true;
    }
  };

  const openTrade = (a: number, t: number, raw: number, dir: number, frac: number) => {
    const p = prepared[a];
    const d = t - 1;
    const eqRef = equity[d];
    // Gross leverage cap: other open positions valued at the decision bar's close.
    let other = 0;
    for (let b = 0; b < A; b++) {
      if (b !== a && qty[b] !== 0) other += Math.abs(qty[b] * prepared[b].bars.close[d]);
    }
    const room = sizing.max_gross - other / eqRef;
    const f = Math.min(frac, room);
    if (!(f > 0)) return;
    let shares = (f * eqRef) / raw;
    const vol = p.bars.volume ? p.bars.volume[d] : Number.NaN;
    if (vol >= 0 && shares > costs.max_participation * vol) shares = costs.max_participation * vol;
    if (!(shares > 0)) return;
    const fc = fillCost(costs, dir, {
      price: raw,
      shares,
      atr: p.atr ? p.atr[d] : Number.NaN,
      sigma: p.sigma ? p.sigma[d] : Number.NaN,
      volume: vol,
    });
    const q = dir * shares;
    cash -= q * fc.execPrice + fc.commission;
    qty[a] = q;
    openCount++;
    entryRaw[a] = raw;
    entryExec[a] = fc.execPrice;
    entryIdx[a] = t;
    tradeCost[a] = fc.linear + fc.impact;
    tradeImpact[a] = fc.impact;
    tradeDiv[a] = 0;
    traded += Math.abs(q * raw) / eqRef;
    holdUntil[a] = hold === null ? Number.POSITIVE_INFINITY : t + hold;
    const widen = p.volatile?.[d] ? st.volatile_widen : 1;
    sl[a] = st.stop_loss_atr === null ? Number.NaN : raw - dir * st.stop_loss_atr * widen * p.atr![d];
    tp[a] = st.take_profit_atr === null ? Number.NaN : raw + dir * st.take_profit_atr * widen * p.atr![d];
  };

  // Exits of every ticker first, then entries, so an entry's gross-leverage room already
  // counts the positions closed on the same bar.
  const executePending = (t: number, atClose: boolean) => {
    for (let a = 0; a < A; a++) {
      const target = pending[a];
      if (target === NONE || qty[a] === 0 || Math.sign(qty[a]) === target) continue;
      const bars = prepared[a].bars;
      closeTrade(a, t, atClose ? bars.close[t] : bars.open[t], pendingReason[a]);
    }
    for (let a = 0; a < A; a++) {
      const target = pending[a];
      if (target === NONE) continue;
      pending[a] = NONE;
      const bars = prepared[a].bars;
      if (target !== 0 && qty[a] === 0) openTrade(a, t, atClose ? bars.close[t] : bars.open[t], target, pendingFrac[a]);
    }
    anyPending = false;
  };

  const checkStops = (t: number) => {
    for (let a = 0; a < A; a++) {
      const q = qty[a];
      if (q === 0) continue;
      const b = prepared[a].bars;
      const px = stopExitPrice(q, sl[a], tp[a], b.open[t], b.high[t], b.low[t], entryIdx[a] < t);
      if (Number.isNaN(px)) continue;
      // The stop-loss lies on the losing side of the entry (or equals it when ATR is 0).
      const isStop = px === sl[a] || (q > 0 ? px < entryRaw[a] : px > entryRaw[a]);
      closeTrade(a, t, px, isStop ? EXIT.stop_loss : EXIT.take_profit);
    }
  };

  const pause = (t: number, kind: GuardEvent["kind"], reason: number) => {
    paused = kind;
    pausedAt = t;
    events.push({ index: t, ts: ts[t], kind, action: "pause" });
    for (let a = 0; a < A; a++) {
      if (qty[a] !== 0) {
        pending[a] = 0;
        pendingReason[a] = reason;
        anyPending = true;
      } else pending[a] = NONE;
    }
  };

  for (let t = 0; t < n; t++) {
    if (hasDividends && openCount > 0) {
      for (let a = 0; a < A; a++) {
        const dv = prepared[a].dividends;
        if (dv && qty[a] !== 0 && dv[t] !== 0) {
          const cashDiv = qty[a] * dv[t];
          cash += cashDiv;
          tradeDiv[a] += cashDiv;
        }
      }
    }
    if (atOpen && anyPending) executePending(t, false);
    if (hasStops && openCount > 0) checkStops(t);
    if (!atOpen && anyPending) executePending(t, true);

    let value = 0;
    let grossValue = 0;
    for (let a = 0; a < A && openCount > 0; a++) {
      const q = qty[a];
      if (q === 0) continue;
      const c = prepared[a].bars.close[t];
      if (q < 0 && borrowPerBar > 0 && (atOpen || entryIdx[a] < t)) {
        const fee = -q * c * borrowPerBar;
        cash -= fee;
        tradeCost[a] += fee;
      }
      value += q * c;
      grossValue += Math.abs(q * c);
    }
    const eq = cash + value;
    equity[t] = eq;
    gross[t] = grossValue / eq;
    returns[t] = eq / prevEquity - 1;
    prevEquity = eq;
    if (eq > peak && t < n - 1) peak = eq;
    drawdown[t] = eq / Math.max(eq, peak) - 1;
    if (!(eq > 0)) throw new Error(`backtest: equity ${eq} at index ${t} (${new Date(ts[t]).toISOString()}): ruin`);

    if (guards) {
      if (paused !== null) {
        const resume =
          paused === "daily_loss"
            ? Math.floor(ts[t] / DAY) > Math.floor(ts[pausedAt] / DAY)
            : t - pausedAt >= guards.cooldown_bars;
        if (resume) {
          events.push({ index: t, ts: ts[t], kind: paused, action: "resume" });
          if (paused === "drawdown") hwm = eq;
          if (paused === "win_rate") winCount = winSum = 0;
          paused = null;
        }
      }
      if (eq > hwm) hwm = eq;
      if (t > 0 && Math.floor(ts[t] / DAY) !== Math.floor(ts[t - 1] / DAY)) sessionStartEquity = equity[t - 1];
      if (paused === null) {
        if (guards.max_drawdown !== null && eq / hwm - 1 < -guards.max_drawdown)
          pause(t, "drawdown", EXIT.guard_drawdown);
        else if (guards.max_daily_loss !== null && eq / sessionStartEquity - 1 < -guards.max_daily_loss) {
          pause(t, "daily_loss", EXIT.guard_daily_loss);
        } else if (winRateBreach) pause(t, "win_rate", EXIT.guard_win_rate);
      }
      winRateBreach = false;
      if (paused !== null) continue;
    }
    if (t === n - 1) break;

    for (let a = 0; a < A; a++) {
      const p = prepared[a];
      const raw = p.signal[t];
      if (raw === 0 && qty[a] === 0) continue;
      const s = longOnly && raw < 0 ? 0 : raw;
      const dir = qty[a] > 0 ? 1 : qty[a] < 0 ? -1 : 0;
      if (raw !== 0) {
        if (s !== 0 && dir === s) {
          holdUntil[a] = hold === null ? Number.POSITIVE_INFINITY : t + 1 + hold;
          continue;
        }
        if (s === 0 && dir === 0) continue;
        let frac = 0;
        if (s !== 0) {
          const needAtr = p.atr !== null && Number.isNaN(p.atr[t]);
          const needSigma = p.sigma !== null && Number.isNaN(p.sigma[t]);
          frac =
            needAtr || needSigma
              ? 0
              : p.size
                ? Math.min(p.size[t], sizing.max_position)
                : positionFraction(sizing, {
                    sigmaAnnual: p.sigma ? p.sigma[t] * sqrtPpy : Number.NaN,
                    probability: p.probability ? p.probability[t] : Number.NaN,
                    payoffRatio: payoff,
                  });
          if (!(frac > 0)) frac = 0;
        }
        // No size (warm-up, Kelly edge <= 0): still exit/reverse out of the old position.
        if (frac === 0 && dir === 0) continue;
        pending[a] = frac > 0 ? s : 0;
        pendingFrac[a] = frac;
        pendingReason[a] = EXIT.signal;
        anyPending = true;
      } else if (t + 1 >= holdUntil[a]) {
        pending[a] = 0;
        pendingReason[a] = EXIT.horizon;
        anyPending = true;
      }
    }
  }

  // Close what is still open at the last close, with costs, so the log and equity agree.
  const last = n - 1;
  let anyOpen = false;
  for (let a = 0; a < A; a++) {
    if (qty[a] !== 0) {
      closeTrade(a, last, prepared[a].bars.close[last], EXIT.end);
      anyOpen = true;
    }
  }
  if (anyOpen) {
    // The last bar's figures include the closing costs; `peak` excludes the last bar here.
    equity[last] = cash;
    gross[last] = 0;
    returns[last] = cash / (last === 0 ? bt.initial_capital : equity[last - 1]) - 1;
    drawdown[last] = cash / Math.max(cash, peak) - 1;
  }
  return {
    ts,
    equity,
    returns,
    drawdown,
    grossExposure: gross,
    trades: log.build(),
    guardEvents: events,
    tradedFraction: traded,
    initialCapital: bt.initial_capital,
    periodsPerYear: ppy,
    returnBasis: basis,
    config: cfg,
  };
}
