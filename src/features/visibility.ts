/**
 * When a value becomes known, and carrying it onto the base bars from then on.
 *
 * A bar's close time: intraday, open + step capped at its session's close (the last 1h bar of a
 * session is shorter); daily, the session close (16:00 ET, 13:00 on early closes); weekly, the
 * close of the last calendar session of its week, so a week still in progress (data cut
 * mid-week) is not visible until the calendar says the week is over.
 *
 * Higher timeframes computed from the base bars: a value is visible at every base bar whose
 * close is at or after the higher-timeframe bar's close. Context series (VIX, a benchmark):
 * on the same timeframe as the base, the bar at the same or an earlier timestamp; on a coarser
 * timeframe (daily VIX under 1-minute bars), only bars that closed by the base bar's open, so
 * during a session the previous session's daily value is the last one visible (VIX settles
 * after 16:00).
 */
import {
  type Bars,
  type Timeframe,
  INTRADAY_TIMEFRAME_MS,
  isIntraday,
  isSession,
  previousSession,
  sessionClose,
  weekStart,
  DAY_MS,
} from "../data";
import { NewYorkClock } from "./indicators/newYorkClock";

/**
 * Close times of bars of one timeframe, one bar at a time (bars in time order), for the stream
 * and for {@link closeTimes} alike. Intraday bars cache their New York day's session close.
 */
export class BarCloseClock {
  private readonly clock = new NewYorkClock();
  private day = Number.NaN;
  private close = Number.NaN;

  constructor(readonly timeframe: Timeframe) {}

  closeOf(t: number): number {
    const tf = this.timeframe;
    if (isIntraday(tf)) {
      const d = this.clock.day(t) * DAY_MS;
      if (d !== this.day) {
        this.day = d;
        this.close = isSession(d) ? sessionClose(d) : Number.NaN;
      }
      const end = t + INTRADAY_TIMEFRAME_MS[tf];
      return t < this.close && end > this.close ? this.close : end;
    }
    if (tf === "1d") return isSession(t) ? sessionClose(t) : t + DAY_MS;
    // 1w: the last session of the calendar week.
    const last = previousSession(weekStart(t) + 7 * DAY_MS);
    return last >= t ? sessionClose(last) : t + 7 * DAY_MS;
  }
}

export function closeTimes(bars: Bars): Float64Array {
  const { ts } = bars;
  const out = new Float64Array(ts.length);
  const clock = new BarCloseClock(bars.timeframe);
  for (let i = 0; i < ts.length; i++) out[i] = clock.closeOf(ts[i]);
  return out;
}

/**
 * For each base bar, the index of the last source bar visible at `visibleAt[i]` (source close ≤
 * visibleAt[i]), or −1 when none is. Both arrays must be non-decreasing.
 */
export function visibleIndex(sourceClose: Float64Array, visibleAt: Float64Array): Int32Array {
  const out = new Int32Array(visibleAt.length);
  let j = -1;
  for (let i = 0; i < visibleAt.length; i++) {
    const t = visibleAt[i];
    while (j + 1 < sourceClose.length && sourceClose[j + 1] <= t) j++;
    out[i] = j;
  }
  return out;
}

/** `values` carried onto the base bars through `index` (NaN where nothing is visible yet). */
export function takeVisible(values: Float64Array, index: Int32Array): Float64Array {
  const out = new Float64Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = index[i] >= 0 ? values[index[i]] : Number.NaN;
  return out;
}

/**
 * Visibility of a context series on the base bars: same timeframe → same-or-earlier timestamp;
 * coarser → closed by the base bar's open.
 */
export function contextIndex(context: Bars, base: Bars): Int32Array {
  if (context.timeframe === base.timeframe) return visibleIndex(context.ts, base.ts);
  return visibleIndex(closeTimes(context), base.ts);
}

/** Visibility of a higher timeframe resampled from the base bars: closed by the base bar's close. */
export function higherTimeframeIndex(higher: Bars, baseClose: Float64Array): Int32Array {
  return visibleIndex(closeTimes(higher), baseClose);
}
