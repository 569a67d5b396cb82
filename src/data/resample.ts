/**
 * Resampling to a coarser timeframe on the session calendar: a bar never spans two sessions.
 * Intraday buckets are anchored to the session open (09:30 ET), so a 1h bar covers
 * 09:30–10:30 … 15:30–16:00 (the last one shorter; on a 13:00 early close, 12:30–13:00).
 * `1d` is one bar per session, `1w` one bar per calendar week (Monday–Sunday) of sessions,
 * stamped with the date of its first session. open = first, high = max, low = min,
 * close = last, volume = sum, adjClose = last.
 */
import { type Bars, INTRADAY_TIMEFRAME_MS, type Timeframe, TIMEFRAMES, isIntraday } from "./bars";
import { isSession, weekStart } from "./calendar";
import { DataFormatError } from "./dataFormatError";
import { DAY_MS, isoDate, isoNewYork } from "./newYorkTime";
import { SessionDay } from "./sessionDay";

export interface ResampleOptions {
  /**
   * Bars outside regular hours (or on non-sessions): "drop" them (default; resampled bars are
   * regular-hours bars) or throw ("error").
   */
  outsideHours?: "drop" | "error";
}

function rank(tf: Timeframe): number {
  return TIMEFRAMES.indexOf(tf);
}

/**
 * The bucket a bar of `from` falls in among bars of `to`, one bar at a time (the rule of
 * {@link resample}, shared with the streaming resampler): `place(t)` sets `key` (equal for the
 * bars of one bucket) and `stamp` (the bucket's timestamp), or returns false when the bar is
 * dropped (outside regular hours, not a session).
 */
export class BucketOf {
  key = Number.NaN;
  stamp = Number.NaN;
  private readonly step: number;
  private readonly nyDay = new SessionDay();

  constructor(
    readonly from: Timeframe,
    readonly to: Timeframe,
  ) {
    this.step = isIntraday(to) ? INTRADAY_TIMEFRAME_MS[to] : 0;
  }

  place(t: number): boolean {
    let day: number;
    let open = 0;
    if (isIntraday(this.from)) {
      if (!this.nyDay.inRegularHours(t)) return false;
      day = this.nyDay.day;
      open = this.nyDay.open;
    } else {
      day = Math.floor(t / DAY_MS) * DAY_MS;
      if (this.from === "1d" && !isSession(day)) return false;
    }
    if (this.step > 0) {
      this.key = this.stamp = open + Math.floor((t - open) / this.step) * this.step;
    } else if (this.to === "1d") {
      this.key = this.stamp = day;
    } else {
      this.key = weekStart(day);
      this.stamp = day;
    }
    return true;
  }
}

export function resample(bars: Bars, to: Timeframe, options: ResampleOptions = {}): Bars {
  const from = bars.timeframe;
  const where = `resample ${bars.ticker} ${from}→${to}`;
  if (rank(to) < rank(from)) throw new RangeError(`${where}: cannot resample to a finer timeframe`);
  if (isIntraday(from) && isIntraday(to) && INTRADAY_TIMEFRAME_MS[to] % INTRADAY_TIMEFRAME_MS[from] !== 0) {
    throw new RangeError(`${where}: ${to} is not a multiple of ${from}`);
  }
  const outsideHours = options.outsideHours ?? "drop";
  const { ts } = bars;
  const n = ts.length;
  // Bucket key per input bar (NaN = dropped); the output ts of the bucket.
  const keys = new Float64Array(n);
  const stamps = new Float64Array(n);
  const bucket = new BucketOf(from, to);
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    if (!Number.isFinite(t) || (i > 0 && !(t > ts[i - 1]))) {
      throw new DataFormatError(
        where,
        null,
        null,
        "ts",
        `row ${i}: timestamps must be finite and strictly increasing; validate first`,
      );
    }
    if (!bucket.place(t)) {
      if (outsideHours === "error") {
        const why = isIntraday(from)
          ? `bar ${isoNewYork(t)} is outside regular session hours`
          : `${isoDate(t)} is not an NYSE session`;
        throw new DataFormatError(where, null, null, "ts", `row ${i}: ${why}`);
      }
      keys[i] = Number.NaN;
      continue;
    }
    keys[i] = bucket.key;
    stamps[i] = bucket.stamp;
  }
  let m = 0;
  let last = Number.NaN;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(keys[i]) && keys[i] !== last) {
      m++;
      last = keys[i];
    }
  }
  const out = {
    ts: new Float64Array(m),
    open: new Float64Array(m),
    high: new Float64Array(m),
    low: new Float64Array(m),
    close: new Float64Array(m),
    volume: bars.volume ? new Float64Array(m) : null,
    adjClose: bars.adjClose ? new Float64Array(m) : null,
  };
  let k = -1;
  let key = Number.NaN;
  for (let i = 0; i < n; i++) {
    const ki = keys[i];
    if (Number.isNaN(ki)) continue;
    if (ki !== key) {
      key = ki;
      k++;
      out.ts[k] = stamps[i];
      out.open[k] = bars.open[i];
      out.high[k] = bars.high[i];
      out.low[k] = bars.low[i];
      if (out.volume) out.volume[k] = 0;
    } else {
      if (bars.high[i] > out.high[k]) out.high[k] = bars.high[i];
      if (bars.low[i] < out.low[k]) out.low[k] = bars.low[i];
    }
    out.close[k] = bars.close[i];
    if (out.volume) out.volume[k] += bars.volume![i];
    if (out.adjClose) out.adjClose[k] = bars.adjClose![i];
  }
  return { ticker: bars.ticker, timeframe: to, ...out };
}
