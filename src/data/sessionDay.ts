import { isSession, sessionClose, sessionOpen } from "./calendar";
import { DAY_MS, newYorkDayOf, newYorkToUtc } from "./newYorkTime";

/**
 * The New York day of a timestamp and its regular session, looked up once per day: a walk over
 * sorted intraday timestamps (alignment, resampling, validation) moves it bar by bar and pays
 * for the calendar only when a bar falls outside the day it holds.
 */
export class SessionDay {
  private dayStart = Number.POSITIVE_INFINITY;
  private dayEnd = Number.NEGATIVE_INFINITY;
  /** The New York day held (UTC ms of its date at midnight, as the calendar keys days). */
  day = 0;
  /** Whether that day is an NYSE session; `open` and `close` (UTC ms) only mean something if so. */
  session = false;
  open = 0;
  close = 0;

  /** Moves to the New York day of `t` unless it holds that day already. */
  moveTo(t: number): void {
    if (t >= this.dayStart && t < this.dayEnd) return;
    const day = newYorkDayOf(t);
    this.day = day;
    this.dayStart = newYorkToUtc(day, 0);
    this.dayEnd = newYorkToUtc(day + DAY_MS, 0);
    this.session = isSession(day);
    if (this.session) {
      this.open = sessionOpen(day);
      this.close = sessionClose(day);
    }
  }

  /** True when `t` is inside a session's regular hours (moving to its day first). */
  inRegularHours(t: number): boolean {
    this.moveTo(t);
    return this.session && t >= this.open && t < this.close;
  }
}
