import { DAY_MS, newYorkOffsetMinutes } from "../../data";

const HOUR_MS = 3_600_000;

/**
 * New York session date and wall-clock minute of bar timestamps, for the session-anchored
 * indicators (VWAP resets, relative volume by time of day). Consecutive bars mostly share a
 * New York day, so the day's UTC bounds are cached and the DST rules (src/data/newYorkTime)
 * are consulted once per day instead of per bar. On a day whose UTC offset changes (a DST
 * Sunday) the cache narrows to the UTC hour, because transitions fall on whole hours.
 */
export class NewYorkClock {
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  private dayNumber = 0;
  private localShift = 0;

  /** Days since 1970-01-01 of the New York calendar date containing `ts` (UTC ms). */
  day(ts: number): number {
    if (!(ts >= this.lo && ts < this.hi)) this.locate(ts);
    return this.dayNumber;
  }

  /** Minutes after New York midnight (0..1439) of `ts`. */
  minuteOfDay(ts: number): number {
    if (!(ts >= this.lo && ts < this.hi)) this.locate(ts);
    return Math.floor((ts + this.localShift - this.dayNumber * DAY_MS) / 60_000);
  }

  private locate(ts: number): void {
    const shift = newYorkOffsetMinutes(ts) * 60_000;
    const day = Math.floor((ts + shift) / DAY_MS);
    let lo = day * DAY_MS - shift;
    let hi = lo + DAY_MS;
    if (newYorkOffsetMinutes(lo) * 60_000 !== shift || newYorkOffsetMinutes(hi - 1) * 60_000 !== shift) {
      lo = Math.floor(ts / HOUR_MS) * HOUR_MS;
      hi = lo + HOUR_MS;
    }
    this.lo = lo;
    this.hi = hi;
    this.dayNumber = day;
    this.localShift = shift;
  }
}
