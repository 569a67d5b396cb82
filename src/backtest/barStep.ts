/**
 * The one order kernel behind `simulate` and `sweep` (vectorbt's design: one kernel, every
 * entry point a thin layer over it). It steps bars for N columns, each column one position
 * in one asset, with every piece of state in typed arrays. Columns are grouped into accounts:
 * the columns of an account share its cash, its gross-leverage cap and its guard rails
 * (`simulate`: one account holding every asset; `sweep`: one account per signal column).
 *
 * Per bar and account, in order: (next_open) pending fills at the open → stop-loss /
 * take-profit inside the bar's range → (close_delay) pending fills at the close → short borrow
 * fee → mark to market at the close → guard rails → on the last bar, close what is open →
 * next decisions. Pending fills close positions of every column before opening any, so an
 * entry's leverage room counts the positions closed on the same bar. Timing and rules are
 * documented in simulate.ts.
 *
 * Bars are stepped strictly in order, one call per bar (`step`) or a range at once (`advance`,
 * the same code): a live feed writes bar t into the input arrays and calls `step(t)`.
 */
import { fillCost } from "./costs";
import { type BarStepSpec, sameShape } from "./barStepSpec";
import { GuardRails, PAUSED, TRADING } from "./guardRails";
import { perPeriodRate } from "./returnStatistics";
import { stopExitPrice } from "./stopExitPrice";
import { stopLossLevel, takeProfitLevel } from "./stopLevels";
import { EXIT } from "./tradeLog";

const NONE = 2;

/**
 * `eq / peak - 1 < mdd` is false wherever eq >= peak * (1 + mdd) in exact arithmetic: 1 + mdd
 * is exact (mdd is a rounded `r - 1` of a ratio r > 0), and rounding is monotone. A floor of
 * peak * (1 + mdd) raised by this margin (far above the product's rounding error) is therefore
 * a bound that skips the division only where it could not change the drawdown: bit for bit.
 */
const DRAWDOWN_MARGIN = 1 + 1e-12;

/**
 * Whether bar prices touch a position's stop-loss or take-profit level (NaN: none): a superset
 * of the exits `stopExitPrice` makes, so a bar that touches nothing needs no call to it.
 */
function stopTouched(q: number, sl: number, tp: number, open: number, high: number, low: number): boolean {
  return q > 0
    ? open <= sl || open >= tp || low <= sl || high >= tp
    : open >= sl || open <= tp || high >= sl || low <= tp;
}
const EMPTY = new Float64Array(0);

export class BarStepKernel {
  // Per column.
  readonly qty: Float64Array;
  readonly entryIndex: Int32Array;
  /** Raw fill price of the entry (before costs). */
  readonly entryRaw: Float64Array;
  readonly entryExec: Float64Array;
  readonly holdUntil: Float64Array;
  readonly stopLoss: Float64Array;
  readonly takeProfit: Float64Array;
  /** Target direction of the next fill: -1, 0 (flat), 1, or NONE. */
  readonly pending: Int8Array;
  readonly pendingFraction: Float64Array;
  readonly pendingReason: Uint8Array;
  /** Costs of the open trade so far (fills, borrow) and their impact part. */
  readonly tradeCost: Float64Array;
  readonly tradeImpact: Float64Array;
  /** Dividends credited to the open trade (a caller's cash flow, see `credit`). */
  readonly tradeDividends: Float64Array;

  // Per account.
  readonly cash: Float64Array;
  /** Equity at the close of the last stepped bar. */
  readonly equity: Float64Array;
  /** Equity marked at the close of the bar being stepped, before an "end" close. */
  private readonly marked: Float64Array;
  /** Over bars 1.. : sums of excess returns and of their squares; running peak and max drawdown. */
  readonly excessSum: Float64Array;
  readonly excessSumSq: Float64Array;
  readonly peak: Float64Array;
  readonly maxDrawdown: Float64Array;
  readonly exits: Int32Array;
  readonly costsPaid: Float64Array;
  /** Sum over fills of traded notional / equity at the signal bar. */
  readonly traded: Float64Array;
  readonly pauses: Int32Array;
  readonly openPositions: Int32Array;
  readonly anyPending: Uint8Array;
  readonly nextBar: Int32Array;
  private readonly guards: GuardRails | null;
  /** The bar where open positions close ("end"); −1 until a feed learns its last bar (`endAt`). */
  private lastBar: number;

  readonly columns: number;
  readonly accounts: number;
  /**
   * Per-bar outputs; a series not recorded is an empty array, not a missing field, so these
   * fields keep one type whatever a caller records and V8 keeps one optimised `advance` when
   * sweeps with and without `keepReturns` (and simulate) run in one process.
   */
  private readonly returnsOut: Float64Array;
  private readonly equityOut: Float64Array;
  private readonly grossOut: Float64Array;
  private readonly firstColumn: Int32Array;
  private readonly accountOf: Int32Array;
  private readonly spec: BarStepSpec;
  private readonly atOpen: boolean;
  private readonly hasStops: boolean;
  private readonly hold: number;
  private readonly borrowPerBar: number;
  private readonly riskFree: number;
  private readonly closes: readonly Float64Array[];
  /** Spec values the per-signal methods read, one load away. */
  private readonly signals: Int8Array;
  private readonly bars: number;
  private readonly longOnly: boolean;
  /** Scratch for `markGroup`'s two results (a returned double would be boxed). */
  private readonly groupMark = new Float64Array(2);
  /**
   * Raw price of the fill `enter` or `exit` makes, set by the caller: they are too large for V8
   * to inline, and a double argument would be boxed on every fill.
   */
  private readonly fillPrice = new Float64Array(1);

  constructor(spec: BarStepSpec) {
    const cfg = spec.config;
    const bt = cfg.backtest;
    const m = spec.markets.length;
    const k = spec.accountSizes.length;
    if (spec.signals.length !== m * spec.ts.length) {
      throw new Error(`bar step: ${spec.signals.length} signals, expected ${m} columns x ${spec.ts.length} bars`);
    }
    this.spec = sameShape(spec);
    this.returnsOut = spec.record?.returns ?? EMPTY;
    this.equityOut = spec.record?.equity ?? EMPTY;
    this.grossOut = spec.record?.gross ?? EMPTY;
    this.closes = this.spec.markets.map((mk) => mk.close);
    this.signals = spec.signals;
    this.bars = spec.ts.length;
    this.lastBar = spec.lastBar ?? -1;
    this.longOnly = cfg.signals.long_only;
    this.columns = m;
    this.accounts = k;
    this.atOpen = bt.execution === "next_open";
    this.hasStops = bt.stops.stop_loss_atr !== null || bt.stops.take_profit_atr !== null;
    this.hold = cfg.signals.hold_bars ?? Number.POSITIVE_INFINITY;
    this.borrowPerBar = cfg.costs.borrow_bps_annual / 1e4 / spec.periodsPerYear;
    this.riskFree = perPeriodRate(bt.risk_free, spec.periodsPerYear);
    this.firstColumn = new Int32Array(k + 1);
    this.accountOf = new Int32Array(m);
    for (let g = 0; g < k; g++) {
      this.firstColumn[g + 1] = this.firstColumn[g] + spec.accountSizes[g];
      this.accountOf.fill(g, this.firstColumn[g], this.firstColumn[g + 1]);
    }
    if (this.firstColumn[k] !== m) throw new Error(`bar step: accounts hold ${this.firstColumn[k]} columns, not ${m}`);

    this.qty = new Float64Array(m);
    this.entryIndex = new Int32Array(m);
    this.entryRaw = new Float64Array(m);
    this.entryExec = new Float64Array(m);
    this.holdUntil = new Float64Array(m);
    this.stopLoss = new Float64Array(m);
    this.takeProfit = new Float64Array(m);
    this.pending = new Int8Array(m).fill(NONE);
    this.pendingFraction = new Float64Array(m);
    this.pendingReason = new Uint8Array(m);
    this.tradeCost = new Float64Array(m);
    this.tradeImpact = new Float64Array(m);
    this.tradeDividends = new Float64Array(m);

    const capital = bt.initial_capital;
    this.cash = new Float64Array(k).fill(capital);
    this.equity = new Float64Array(k).fill(capital);
    this.marked = new Float64Array(k);
    this.excessSum = new Float64Array(k);
    this.excessSumSq = new Float64Array(k);
    this.peak = new Float64Array(k).fill(capital);
    this.maxDrawdown = new Float64Array(k);
    this.exits = new Int32Array(k);
    this.costsPaid = new Float64Array(k);
    this.traded = new Float64Array(k);
    this.pauses = new Int32Array(k);
    this.openPositions = new Int32Array(k);
    this.anyPending = new Uint8Array(k);
    this.nextBar = new Int32Array(k);
    this.guards =
      bt.guards && new GuardRails(bt.guards, spec.ts, k, capital, this.equity, this.marked, spec.hooks?.onGuard);
  }

  /**
   * Makes bar t the last: its step closes what is open at its close. A feed with no last bar in
   * its spec learns it as the bar comes (a paper run's period ends), before stepping it.
   */
  endAt(t: number): void {
    if (this.nextBar.some((next) => t < next))
      throw new Error(`bar step: bar ${t} was already stepped; the last bar comes later`);
    this.lastBar = t;
  }

  /** Steps bar t for every account. */
  step(t: number): void {
    for (let g = 0; g < this.accounts; g++) this.advance(g, t, t + 1);
  }

  /**
   * Steps bars [from, to) for one account (accounts are independent of each other). The common
   * bar (no fill, no stop hit, no signal) stays in this loop with its running figures in locals;
   * fills, stops, guards and decisions on a signal are methods.
   */
  advance(g: number, from: number, to: number): void {
    if (from !== this.nextBar[g]) throw new Error(`bar step: account ${g} is at bar ${this.nextBar[g]}, not ${from}`);
    const spec = this.spec;
    const guarded = spec.config.backtest.guards !== null;
    const last = this.lastBar;
    const c0 = this.firstColumn[g];
    const c1 = this.firstColumn[g + 1];
    const { qty, cash, equity, marked, openPositions, anyPending, holdUntil, closes } = this;
    const signals = spec.signals;
    const borrow = this.borrowPerBar;
    const atOpen = this.atOpen;
    const hasStops = this.hasStops;
    const rf = this.riskFree;
    const { returnsOut, equityOut, grossOut } = this;
    const recording = returnsOut.length + equityOut.length + grossOut.length > 0;
    const bars = spec.ts.length;
    const at0 = g * bars;
    let eqPrev = equity[g];
    let sum = this.excessSum[g];
    let sumSq = this.excessSumSq[g];
    let peak = this.peak[g];
    let mdd = this.maxDrawdown[g];
    // No doubles go into calls from this loop: V8 would box them, on every bar.
    // The account's cash, open count and pending flag, and a one-column account's position and
    // holding deadline, live in locals; every call that may change them is followed by a reload.
    const solo = c1 - c0 === 1;
    const close0 = closes[c0];
    const sig0 = c0 * spec.ts.length;
    let cashNow = cash[g];
    let open = openPositions[g];
    let pend = anyPending[g];
    let q0 = solo ? qty[c0] : 0;
    let due0 = solo ? holdUntil[c0] : 0;
    let sl0 = solo ? this.stopLoss[c0] : 0;
    let tp0 = solo ? this.takeProfit[c0] : 0;
    const mk0 = spec.markets[c0];
    const { open: open0, high: high0, low: low0 } = mk0;
    // Quiet bars of a one-column account (nothing pending, no signal, no stop touched, not due
    // out, not the "end" bar) only mark to market: they take the short loops below, with the
    // same arithmetic in the same order as the full bar further down. Guard rails may act on
    // any bar, so guarded accounts never take them.
    const quiet = solo && !guarded;
    const quietEnd = last >= from && last < to ? last : to;
    const flatExcess = 0 - rf;
    for (let t = from; t < to; t++) {
      if (quiet && !pend && t > 0) {
        let u = t;
        if (open === 0) {
          // Flat: the return is exactly 0 and the peak and drawdown stay as they are. Adding a
          // zero excess return leaves the sums as they are (they are never −0), so without a
          // risk-free rate the run is only a scan for the next signal.
          while (u < quietEnd && signals[sig0 + u] === 0) u++;
          if (flatExcess !== 0) {
            for (let k = t; k < u; k++) {
              sum += flatExcess;
              sumSq += flatExcess * flatExcess;
            }
          }
          if (recording) {
            // A series not recorded is empty: its fill is clamped to nothing.
            returnsOut.fill(0, at0 + t, at0 + u);
            equityOut.fill(eqPrev, at0 + t, at0 + u);
            grossOut.fill(0, at0 + t, at0 + u);
          }
        } else if (!(q0 < 0 && borrow > 0)) {
          // Equity at or above `floor` cannot deepen the drawdown, so the division is skipped
          // there: see DRAWDOWN_MARGIN.
          let floor = peak * (1 + mdd) * DRAWDOWN_MARGIN;
          while (
            u < quietEnd &&
            signals[sig0 + u] === 0 &&
            u + 1 < due0 &&
            !(hasStops && stopTouched(q0, sl0, tp0, open0[u], high0[u], low0[u]))
          ) {
            const value = q0 * close0[u];
            const eq = cashNow + value;
            if (!(eq > 0)) break;
            const ret = eq / eqPrev - 1;
            if (recording) {
              if (returnsOut.length > 0) returnsOut[at0 + u] = ret;
              if (equityOut.length > 0) equityOut[at0 + u] = eq;
              if (grossOut.length > 0) grossOut[at0 + u] = Math.abs(value) / eq;
            }
            const x = ret - rf;
            sum += x;
            sumSq += x * x;
            if (eq >= peak) {
              peak = eq;
              floor = peak * (1 + mdd) * DRAWDOWN_MARGIN;
            } else if (eq < floor && eq / peak - 1 < mdd) {
              mdd = eq / peak - 1;
              floor = peak * (1 + mdd) * DRAWDOWN_MARGIN;
            }
            eqPrev = eq;
            u++;
          }
        }
        if (u > t) {
          t = u - 1;
          continue;
        }
      }
      // A one-column account's stops go to the method only on a bar that touches a level.
      if (pend || (hasStops && open > 0 && (!solo || stopTouched(q0, sl0, tp0, open0[t], high0[t], low0[t])))) {
        equity[g] = eqPrev;
        if (atOpen && pend) this.fillPending(g, t, false);
        if (hasStops && openPositions[g] > 0) this.stopOut(g, t);
        if (!atOpen && anyPending[g]) this.fillPending(g, t, true);
        cashNow = cash[g];
        open = openPositions[g];
        pend = anyPending[g];
        if (solo) {
          q0 = qty[c0];
          due0 = holdUntil[c0];
          sl0 = this.stopLoss[c0];
          tp0 = this.takeProfit[c0];
        }
      }
      // Mark to market at the close, after the bar's short borrow fee. A one-column account
      // (every sweep column, a one-asset simulation) is marked inline; larger ones in a method.
      let value = 0;
      let grossValue = 0;
      if (open > 0) {
        if (!solo) {
          this.markGroup(g, t);
          value = this.groupMark[0];
          grossValue = this.groupMark[1];
          cashNow = cash[g];
        } else {
          if (q0 < 0 && borrow > 0) {
            this.chargeBorrow(c0, g, t);
            cashNow = cash[g];
          }
          value = q0 * close0[t];
          grossValue = Math.abs(value);
        }
      }
      let eq = cashNow + value;
      if (!(eq > 0)) throw new Error(spec.ruinMessage(g, t, eq));
      let paused = false;
      if (guarded) {
        marked[g] = eq;
        equity[g] = eqPrev;
        paused = this.checkGuards(g, t);
        pend = anyPending[g];
      }
      if (t === last && open > 0) {
        equity[g] = eqPrev;
        this.closeAll(g, t);
        eq = cashNow = cash[g];
        open = 0;
        grossValue = 0;
      }
      const ret = eq / eqPrev - 1;
      if (recording) {
        if (returnsOut.length > 0) returnsOut[at0 + t] = ret;
        if (equityOut.length > 0) equityOut[at0 + t] = eq;
        if (grossOut.length > 0) grossOut[at0 + t] = grossValue / eq;
      }
      if (t > 0) {
        const x = ret - rf;
        sum += x;
        sumSq += x * x;
        if (eq >= peak) peak = eq;
        else if (eq / peak - 1 < mdd) mdd = eq / peak - 1;
      }
      eqPrev = eq;
      if (paused || t === last) {
        this.checkSignals(g, t);
        continue;
      }
      // A one-column account with no signal and no position due out skips the call.
      if (!solo || signals[sig0 + t] !== 0 || (open > 0 && t + 1 >= due0)) {
        this.decideAll(g, t);
        pend = anyPending[g];
        if (solo) due0 = holdUntil[c0];
      }
    }
    equity[g] = eqPrev;
    this.excessSum[g] = sum;
    this.excessSumSq[g] = sumSq;
    this.peak[g] = peak;
    this.maxDrawdown[g] = mdd;
    this.nextBar[g] = to;
  }

  /** Cash paid to (or, short, taken from) a column's open position, e.g. a dividend. */
  credit(column: number, amount: number): void {
    this.cash[this.accountOf[column]] += amount;
    this.tradeDividends[column] += amount;
  }

  private fillPending(g: number, t: number, atClose: boolean): void {
    const c0 = this.firstColumn[g];
    const c1 = this.firstColumn[g + 1];
    const qty = this.qty;
    const pending = this.pending;
    const markets = this.spec.markets;
    for (let c = c0; c < c1; c++) {
      const target = pending[c];
      if (target === NONE || qty[c] === 0 || Math.sign(qty[c]) === target) continue;
      const mk = markets[c];
      this.fillPrice[0] = atClose ? mk.close[t] : mk.open[t];
      this.exit(c, g, t, this.pendingReason[c]);
    }
    for (let c = c0; c < c1; c++) {
      const target = pending[c];
      if (target === NONE) continue;
      pending[c] = NONE;
      const mk = markets[c];
      if (target !== 0 && qty[c] === 0) {
        this.fillPrice[0] = atClose ? mk.close[t] : mk.open[t];
        this.enter(c, g, t, target);
      }
    }
    this.anyPending[g] = 0;
  }

  private stopOut(g: number, t: number): void {
    const qty = this.qty;
    for (let c = this.firstColumn[g]; c < this.firstColumn[g + 1]; c++) {
      const q = qty[c];
      if (q === 0) continue;
      const mk = this.spec.markets[c];
      const sl = this.stopLoss[c];
      const px = stopExitPrice(q, sl, this.takeProfit[c], mk.open[t], mk.high[t], mk.low[t], this.entryIndex[c] < t);
      if (Number.isNaN(px)) continue;
      // The stop-loss lies on the losing side of the entry (or equals it when ATR is 0).
      const isStop = px === sl || (q > 0 ? px < this.entryRaw[c] : px > this.entryRaw[c]);
      this.fillPrice[0] = px;
      this.exit(c, g, t, isStop ? EXIT.stop_loss : EXIT.take_profit);
    }
  }

  /** Opens `dir` in column c at raw price `fillPrice`, its pending fraction of the equity at the signal bar. */
  private enter(c: number, g: number, t: number, dir: number): void {
    const px = this.fillPrice[0];
    const frac = this.pendingFraction[c];
    const { costs, sizing, backtest } = this.spec.config;
    const mk = this.spec.markets[c];
    const d = t - 1;
    const eqRef = this.equity[g];
    // Gross leverage cap: the account's other open positions valued at the decision bar's close.
    let other = 0;
    for (let b = this.firstColumn[g]; b < this.firstColumn[g + 1]; b++) {
      if (b !== c && this.qty[b] !== 0) other += Math.abs(this.qty[b] * this.spec.markets[b].close[d]);
    }
    const f = Math.min(frac, sizing.max_gross - other / eqRef);
    if (!(f > 0)) return;
    let shares = (f * eqRef) / px;
    const vol = mk.volume ? mk.volume[d] : Number.NaN;
    if (vol >= 0 && shares > costs.max_participation * vol) shares = costs.max_participation * vol;
    if (!(shares > 0)) return;
    const fc = fillCost(costs, dir, {
      price: px,
      shares,
      atr: mk.atr ? mk.atr[d] : Number.NaN,
      sigma: mk.sigma ? mk.sigma[d] : Number.NaN,
      volume: vol,
    });
    const q = dir * shares;
    this.cash[g] -= q * fc.execPrice + fc.commission;
    this.qty[c] = q;
    this.openPositions[g]++;
    this.entryRaw[c] = px;
    this.entryExec[c] = fc.execPrice;
    this.entryIndex[c] = t;
    this.tradeCost[c] = fc.linear + fc.impact;
    this.tradeImpact[c] = fc.impact;
    this.tradeDividends[c] = 0;
    this.costsPaid[g] += fc.linear + fc.impact;
    // Traded notional relative to the equity at the bar before (while stepping, `equity` holds it).
    this.traded[g] += Math.abs(q * px) / this.equity[g];
    this.holdUntil[c] = t + this.hold;
    const st = backtest.stops;
    const widen = mk.volatile?.[d] ? st.volatile_widen : 1;
    const atr = mk.atr ? mk.atr[d] : Number.NaN;
    this.stopLoss[c] = stopLossLevel(px, dir, st.stop_loss_atr, widen, atr);
    this.takeProfit[c] = takeProfitLevel(px, dir, st.take_profit_atr, widen, atr);
  }

  /** Closes column c's position at raw price `fillPrice`, with costs. */
  private exit(c: number, g: number, t: number, reason: number): void {
    const px = this.fillPrice[0];
    const costs = this.spec.config.costs;
    const mk = this.spec.markets[c];
    const q = this.qty[c];
    const d = t > 0 ? t - 1 : 0;
    const fc = fillCost(costs, q > 0 ? -1 : 1, {
      price: px,
      shares: Math.abs(q),
      atr: mk.atr ? mk.atr[d] : Number.NaN,
      sigma: mk.sigma ? mk.sigma[d] : Number.NaN,
      volume: mk.volume ? mk.volume[d] : Number.NaN,
    });
    this.cash[g] += q * fc.execPrice - fc.commission;
    const cost = this.tradeCost[c] + fc.linear + fc.impact;
    const grossPnl = q * (px - this.entryRaw[c]) + this.tradeDividends[c];
    this.costsPaid[g] += fc.linear + fc.impact;
    // Traded notional relative to the equity at the bar before (while stepping, `equity` holds it).
    this.traded[g] += Math.abs(q * px) / this.equity[g];
    this.exits[g]++;
    this.spec.hooks?.onExit?.(c, t, fc.execPrice, cost, this.tradeImpact[c] + fc.impact, grossPnl, reason);
    this.qty[c] = 0;
    this.openPositions[g]--;
    this.guards?.recordTrade(g, grossPnl - cost > 0);
  }

  /** Marks a several-column account at bar t's close into `groupMark` (value, gross value). */
  private markGroup(g: number, t: number): void {
    let value = 0;
    let grossValue = 0;
    for (let c = this.firstColumn[g]; c < this.firstColumn[g + 1]; c++) {
      const q = this.qty[c];
      if (q === 0) continue;
      if (q < 0 && this.borrowPerBar > 0) this.chargeBorrow(c, g, t);
      const v = q * this.closes[c][t];
      value += v;
      grossValue += Math.abs(v);
    }
    this.groupMark[0] = value;
    this.groupMark[1] = grossValue;
  }

  /** Short borrow for bar t; a close_delay entry filled at this close pays from the next bar. */
  private chargeBorrow(c: number, g: number, t: number): void {
    if (!this.atOpen && this.entryIndex[c] >= t) return;
    const fee = -this.qty[c] * this.closes[c][t] * this.borrowPerBar;
    this.cash[g] -= fee;
    this.tradeCost[c] += fee;
    this.costsPaid[g] += fee;
  }

  /** Closes every open position of the account at bar t's close ("end"). */
  private closeAll(g: number, t: number): void {
    for (let c = this.firstColumn[g]; c < this.firstColumn[g + 1]; c++) {
      if (this.qty[c] === 0) continue;
      this.fillPrice[0] = this.spec.markets[c].close[t];
      this.exit(c, g, t, EXIT.end);
    }
  }

  /** Guard rails at bar t's close; a pause that starts closes the account's positions at the next fill. */
  private checkGuards(g: number, t: number): boolean {
    const state = this.guards!.check(g, t);
    if (state === TRADING) return false;
    if (state === PAUSED) return true;
    this.pauses[g]++;
    for (let c = this.firstColumn[g]; c < this.firstColumn[g + 1]; c++) {
      if (this.qty[c] !== 0) this.order(c, g, 0, 0, state);
      else this.pending[c] = NONE;
    }
    return true;
  }

  /** Rejects a signal value other than -1, 0 or 1 on a bar where signals are not acted on. */
  private checkSignals(g: number, t: number): void {
    for (let c = this.firstColumn[g]; c < this.firstColumn[g + 1]; c++) {
      const raw = this.spec.signals[c * this.spec.ts.length + t];
      if (raw !== 0 && raw !== 1 && raw !== -1) throw new Error(this.spec.signalMessage(c, t, raw));
    }
  }

  private decideAll(g: number, t: number): void {
    for (let c = this.firstColumn[g]; c < this.firstColumn[g + 1]; c++) this.decide(c, g, t);
  }

  /** Turns column c's signal at bar t, or its holding clock, into a pending fill. */
  private decide(c: number, g: number, t: number): void {
    const raw = this.signals[c * this.bars + t];
    const q = this.qty[c];
    if (raw === 0) {
      if (q !== 0 && t + 1 >= this.holdUntil[c]) this.order(c, g, 0, 0, EXIT.horizon);
      return;
    }
    if (raw !== 1 && raw !== -1) throw new Error(this.spec.signalMessage(c, t, raw));
    const s = this.longOnly && raw < 0 ? 0 : raw;
    const dir = q > 0 ? 1 : q < 0 ? -1 : 0;
    if (s !== 0 && dir === s) {
      this.holdUntil[c] = t + 1 + this.hold;
      return;
    }
    // No size (warm-up, Kelly edge <= 0): still exit out of the old position.
    const frac = s !== 0 ? this.spec.entryFraction(c, t) : 0;
    if (frac > 0) this.order(c, g, s, frac, EXIT.signal);
    else if (dir !== 0) this.order(c, g, 0, 0, EXIT.signal);
  }

  private order(c: number, g: number, target: number, frac: number, reason: number): void {
    this.pending[c] = target;
    this.pendingFraction[c] = frac;
    this.pendingReason[c] = reason;
    this.anyPending[g] = 1;
  }
}
