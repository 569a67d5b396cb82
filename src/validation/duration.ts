/**
 * ISO-8601 durations as configs write them (`P18M`, `P3M`, `P10D`, `P2Y`, `PT30M`), added to
 * UTC epoch-ms times with calendar arithmetic: years and months move the UTC calendar date
 * (clamping the day, so Jan 31 + P1M = Feb 28/29), then weeks, days and the time part add
 * fixed lengths. Bars are stamped in UTC (daily bars at 00:00 UTC), so UTC dates are the
 * session dates.
 */
import { quoteInput } from "../data";

export interface Duration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  /** The text it was parsed from, for messages. */
  readonly text: string;
}

const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DurationError";
  }
}

/** Parses an ISO-8601 duration; `field` names the config field in the error. */
export function parseDuration(text: string, field = "duration"): Duration {
  const m = PATTERN.exec(text);
  if (!m || text === "P" || text.endsWith("T") || m.slice(1).every((g) => g === undefined)) {
    throw new DurationError(
      `${field}: expected an ISO-8601 duration such as P18M, P3M, P10D or PT30M, got ${quoteInput(text)}`,
    );
  }
  const num = (g: string | undefined) => (g === undefined ? 0 : Number(g));
  const d: Duration = {
    years: num(m[1]),
    months: num(m[2]),
    weeks: num(m[3]),
    days: num(m[4]),
    hours: num(m[5]),
    minutes: num(m[6]),
    seconds: num(m[7]),
    text,
  };
  if (d.years + d.months + d.weeks + d.days + d.hours + d.minutes + d.seconds === 0) {
    throw new DurationError(`${field}: duration ${quoteInput(text)} is zero`);
  }
  return d;
}

const DAY_MS = 86_400_000;

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** t + sign·d (sign -1 subtracts), calendar months first, then the fixed-length part. */
export function addDuration(t: number, d: Duration, sign: 1 | -1 = 1): number {
  let out = t;
  const months = sign * (d.years * 12 + d.months);
  if (months !== 0) {
    const date = new Date(t);
    const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
    const year = Math.floor(total / 12);
    const month0 = total - year * 12;
    const day = Math.min(date.getUTCDate(), daysInMonth(year, month0));
    const timeOfDay = t - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    out = Date.UTC(year, month0, day) + timeOfDay;
  }
  const fixed = (d.weeks * 7 + d.days) * DAY_MS + ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000;
  return out + sign * fixed;
}

/** Epoch ms as an ISO date (or date-time when not at midnight UTC), for messages and reports. */
export function isoTime(t: number): string {
  if (!Number.isFinite(t)) return String(t);
  const s = new Date(t).toISOString();
  return s.endsWith("T00:00:00.000Z") ? s.slice(0, 10) : `${s.slice(0, 16)}Z`;
}
