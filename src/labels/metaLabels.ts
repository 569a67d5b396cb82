import { firstBarrierTouch } from "./barrierTouch";
import {
  type BarrierLabelSet,
  checkHorizon,
  checkLength,
  crossesSession,
  emptyLabelColumns,
  LabelError,
  META_CLASSES,
} from "./labelSet";
import {
  type Bars3,
  type BarrierWidths,
  barrierInputLost,
  barrierInputReady,
  barrierWidthsAt,
  checkBarrierWidths,
} from "./tripleBarrier";

export interface MetaLabelOptions {
  horizon: number;
  /** `upper` is the profit-taking distance, `lower` the stop-loss distance, both in the trade's favour/against it. */
  barriers: BarrierWidths;
  /** Session id per bar; labels whose vertical barrier lies in another session are absent. */
  session?: ArrayLike<number>;
}

/**
 * Meta-labels for a primary signal (AFML ch. 3.6): for each bar where `side[t]` is +1 (long)
 * or -1 (short) the label says whether taking that trade paid: TAKE (1) when the side-adjusted
 * return at the first barrier is > 0, SKIP (0) otherwise. For a short the profit barrier sits
 * below the entry and the stop above it. Rows without a signal (0 or NaN) are absent. A bar
 * that touches both barriers counts as the stop. `ret` is side-adjusted; `barrier` is +1
 * profit, -1 stop, 0 vertical.
 */
export function metaLabels(bars: Bars3, side: ArrayLike<number>, opts: MetaLabelOptions): BarrierLabelSet {
  const name = "metaLabels";
  const { ts, high, low, close } = bars;
  const n = ts.length;
  checkLength(name, "high", high, n);
  checkLength(name, "low", low, n);
  checkLength(name, "close", close, n);
  checkLength(name, "side", side, n);
  checkHorizon(name, opts.horizon, n);
  checkBarrierWidths(name, opts.barriers, n);
  if (opts.session) checkLength(name, "session", opts.session, n);
  const h = opts.horizon;
  const cols = emptyLabelColumns(ts);
  const barrier = new Float64Array(n).fill(Number.NaN);
  const width = new Float64Array(2);
  const ready = barrierInputReady(opts.barriers);
  let lostToNaN = 0;
  for (let t = 0; t < n; t++) {
    const s = side[t];
    if (s !== 1 && s !== -1 && !Number.isNaN(s) && s !== 0) {
      throw new LabelError(name, `side[${t}] must be +1, -1, 0 or NaN, got ${s}`);
    }
    if (t + h >= n || (s !== 1 && s !== -1) || crossesSession(opts.session, t, h)) continue;
    if (!barrierWidthsAt(opts.barriers, t, width)) {
      if (barrierInputLost(opts.barriers, t, ready)) lostToNaN++;
      continue;
    }
    const c = close[t];
    const profit = width[0];
    const stop = width[1];
    // Long: profit above, stop below. Short: profit below, stop above; the stop wins a tie.
    const upLevel = s > 0 ? c * (1 + profit) : c * (1 + stop);
    const dnLevel = s > 0 ? c * (1 - stop) : c * (1 - profit);
    const touch = firstBarrierTouch(high, low, t, h, upLevel, dnLevel, s > 0 ? -1 : 1);
    let end: number;
    let r: number;
    let b: number;
    if (touch === 0) {
      end = t + h;
      r = s * (close[end] / c - 1);
      b = 0;
    } else {
      end = touch > 0 ? touch : -touch;
      const hitUpper = touch > 0;
      const isProfit = hitUpper === s > 0;
      r = isProfit ? profit : -stop;
      b = isProfit ? 1 : -1;
    }
    if (Number.isNaN(r)) {
      lostToNaN++;
      continue;
    }
    cols.y[t] = r > 0 ? 1 : 0;
    cols.ret[t] = r;
    cols.endIdx[t] = end;
    cols.endTime[t] = ts[end];
    barrier[t] = b;
  }
  return { kind: "meta", classes: META_CLASSES, barrier, ...cols, lostToNaN };
}
