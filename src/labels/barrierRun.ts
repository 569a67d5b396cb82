import { firstBarrierTouch } from "./barrierTouch";
import {
  type BarrierWidths,
  barrierInputLost,
  barrierInputReady,
  barrierWidthsAt,
  checkBarrierWidths,
} from "./barrierWidths";
import { checkHorizon, checkLength, crossesSession, emptyLabelColumns } from "./labelSet";

export interface Bars3 {
  readonly ts: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

/** What every barrier labelling takes: the vertical barrier, the widths, the sessions. */
export interface BarrierRunOptions {
  /** Vertical barrier: the window ends at bar t + horizon at the latest. */
  horizon: number;
  barriers: BarrierWidths;
  /** Session id per bar; labels whose vertical barrier lies in another session are absent. */
  session?: ArrayLike<number>;
}

/**
 * The half that triple-barrier labels and meta-labels share: the input checks, then entry by
 * entry the walk to the first barrier and the row it writes. The first width is the profit
 * barrier's, the second the stop's: a long entry (side +1) has its profit above the close and
 * its stop below, a short one (side −1) the reverse. A bar that touches both counts as the stop.
 * `ret` is side-adjusted: the barrier's width when one is touched (a fill at its level, gaps
 * through it ignored), the close-to-close return at the vertical barrier otherwise; `barrier`
 * is +1 profit, −1 stop, 0 vertical.
 */
export class BarrierRun {
  readonly cols: ReturnType<typeof emptyLabelColumns>;
  readonly barrier: Float64Array;
  /** Entries lost to a NaN: in the widths' input past its warm-up, or in the return. */
  lostToNaN = 0;
  private readonly width = new Float64Array(2);
  private readonly ready: number;

  /** Checks the bars, further per-bar inputs (`more`, by name), the horizon, widths and sessions. */
  constructor(
    name: string,
    private readonly bars: Bars3,
    private readonly opts: BarrierRunOptions,
    more: Record<string, ArrayLike<number>> = {},
  ) {
    const n = bars.ts.length;
    checkLength(name, "high", bars.high, n);
    checkLength(name, "low", bars.low, n);
    checkLength(name, "close", bars.close, n);
    for (const [field, column] of Object.entries(more)) checkLength(name, field, column, n);
    checkHorizon(name, opts.horizon, n);
    checkBarrierWidths(name, opts.barriers, n);
    if (opts.session) checkLength(name, "session", opts.session, n);
    this.cols = emptyLabelColumns(bars.ts);
    this.barrier = new Float64Array(n).fill(Number.NaN);
    this.ready = barrierInputReady(opts.barriers);
  }

  /**
   * Labels the entry at bar t (t + horizon inside the bars) on `side`, its class `yOf(ret,
   * barrier)`; the row stays absent when the window crosses a session or the widths at t are
   * unknown.
   */
  label(t: number, side: 1 | -1, yOf: (ret: number, barrier: number) => number): void {
    const { opts, width } = this;
    const h = opts.horizon;
    if (crossesSession(opts.session, t, h)) return;
    if (!barrierWidthsAt(opts.barriers, t, width)) {
      if (barrierInputLost(opts.barriers, t, this.ready)) this.lostToNaN++;
      return;
    }
    const { ts, high, low, close } = this.bars;
    const c = close[t];
    const profit = width[0];
    const stop = width[1];
    const long = side > 0;
    const upLevel = long ? c * (1 + profit) : c * (1 + stop);
    const dnLevel = long ? c * (1 - stop) : c * (1 - profit);
    const touch = firstBarrierTouch(high, low, t, h, upLevel, dnLevel, long ? -1 : 1);
    let end: number;
    let r: number;
    let b: number;
    if (touch === 0) {
      end = t + h;
      r = side * (close[end] / c - 1);
      b = 0;
    } else {
      end = touch > 0 ? touch : -touch;
      const isProfit = touch > 0 === long;
      r = isProfit ? profit : -stop;
      b = isProfit ? 1 : -1;
    }
    if (Number.isNaN(r)) {
      this.lostToNaN++;
      return;
    }
    this.cols.y[t] = yOf(r, b);
    this.cols.ret[t] = r;
    this.cols.endIdx[t] = end;
    this.cols.endTime[t] = ts[end];
    this.barrier[t] = b;
  }
}
