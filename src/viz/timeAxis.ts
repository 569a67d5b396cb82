/**
 * X values and axis breaks for bar timestamps. Daily bars show their session date; intraday bars
 * show New York wall-clock time (plotly would read a UTC instant as the viewer's local time), and
 * the axis skips weekends, and for intraday bars the hours outside the regular session.
 */
import { type Timeframe, isIntraday, isoDate, isoNewYork } from "../data";

export function timeLabels(ts: ArrayLike<number>, timeframe: Timeframe): string[] {
  const out = new Array<string>(ts.length);
  const intraday = isIntraday(timeframe);
  for (let i = 0; i < ts.length; i++) {
    out[i] = intraday ? isoNewYork(ts[i]).slice(0, 19).replace("T", " ") : isoDate(ts[i]);
  }
  return out;
}

export function timeRangeBreaks(timeframe: Timeframe): Record<string, unknown>[] {
  const weekends = { bounds: ["sat", "mon"] };
  return isIntraday(timeframe) ? [weekends, { bounds: [16, 9.5], pattern: "hour" }] : [weekends];
}
