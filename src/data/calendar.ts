/**
 * The NYSE session calendar (docs/architecture.md "Session calendar"): holidays by rule, the one-off
 * closures, 13:00 ET early closes, session open/close in UTC. No network: the rules are code.
 * Days are addressed as 00:00 UTC of the exchange-local date (the `ts` of a daily bar).
 *
 * A status table covering 1976-2099 is built once on first use (about 45k entries) so that
 * `isSession` is an array lookup on hot paths (validation, resampling of a million bars).
 */
import { quoteInput } from "./quoteInput";
import { DAY_MS, daysFromCivil, isoDate, newYorkToUtc, nthWeekdayOfMonth, weekdayOfDay } from "./newYorkTime";

export const FIRST_CALENDAR_YEAR = 1976;
export const LAST_CALENDAR_YEAR = 2099;
const REGULAR_OPEN_MIN = 9 * 60 + 30;
const REGULAR_CLOSE_MIN = 16 * 60;
const EARLY_CLOSE_MIN = 13 * 60;

/** Closures not given by a rule since 1976: days of mourning, 9/11, storms, the 1977 blackout. */
export const SPECIAL_CLOSURES: Readonly<Record<string, string>> = {
  "1977-07-14": "New York City blackout",
  "1985-09-27": "Hurricane Gloria",
  "1994-04-27": "National day of mourning, Richard Nixon",
  "2001-09-11": "September 11 attacks",
  "2001-09-12": "September 11 attacks",
  "2001-09-13": "September 11 attacks",
  "2001-09-14": "September 11 attacks",
  "2004-06-11": "National day of mourning, Ronald Reagan",
  "2007-01-02": "National day of mourning, Gerald Ford",
  "2012-10-29": "Hurricane Sandy",
  "2012-10-30": "Hurricane Sandy",
  "2018-12-05": "National day of mourning, George H. W. Bush",
  "2025-01-09": "National day of mourning, Jimmy Carter",
};

const CLOSED = 0;
const FULL = 1;
const EARLY = 2;

const firstDay = daysFromCivil(FIRST_CALENDAR_YEAR, 1, 1);
const lastDay = daysFromCivil(LAST_CALENDAR_YEAR, 12, 31);
let status: Uint8Array | null = null;
let holidayNames: Map<number, string> | null = null;

/** Easter Sunday (anonymous Gregorian algorithm) as a day number. */
function easter(y: number): number {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return daysFromCivil(y, month, day);
}

/** A fixed-date holiday observed on Friday when it falls on Saturday, Monday when on Sunday. */
function observed(day: number): number {
  const wd = weekdayOfDay(day);
  return wd === 6 ? day - 1 : wd === 0 ? day + 1 : day;
}

function holidaysOf(y: number): [number, string][] {
  const out: [number, string][] = [];
  // New Year's Day on a Saturday is not moved to Friday Dec 31 (NYSE rule 7.2).
  const ny = daysFromCivil(y, 1, 1);
  if (weekdayOfDay(ny) !== 6) out.push([observed(ny), "New Year's Day"]);
  if (y >= 1998) out.push([nthWeekdayOfMonth(y, 1, 1, 3), "Martin Luther King Jr. Day"]);
  out.push([nthWeekdayOfMonth(y, 2, 1, 3), "Washington's Birthday"]);
  out.push([easter(y) - 2, "Good Friday"]);
  out.push([nthWeekdayOfMonth(y, 5, 1, -1), "Memorial Day"]);
  if (y >= 2022) out.push([observed(daysFromCivil(y, 6, 19)), "Juneteenth"]);
  out.push([observed(daysFromCivil(y, 7, 4)), "Independence Day"]);
  out.push([nthWeekdayOfMonth(y, 9, 1, 1), "Labor Day"]);
  out.push([nthWeekdayOfMonth(y, 11, 4, 4), "Thanksgiving Day"]);
  out.push([observed(daysFromCivil(y, 12, 25)), "Christmas Day"]);
  return out;
}

function earlyClosesOf(y: number): number[] {
  const out: number[] = [];
  // July 3 closes early when Independence Day falls Tuesday-Friday (July 3 is then a weekday session).
  const july4 = daysFromCivil(y, 7, 4);
  const wd4 = weekdayOfDay(july4);
  if (wd4 >= 2 && wd4 <= 5) out.push(july4 - 1);
  out.push(nthWeekdayOfMonth(y, 11, 4, 4) + 1);
  // Christmas Eve closes early on Monday-Thursday; on a Friday it is the observed Christmas holiday.
  const dec24 = daysFromCivil(y, 12, 24);
  const wd24 = weekdayOfDay(dec24);
  if (wd24 >= 1 && wd24 <= 4) out.push(dec24);
  return out;
}

function table(): Uint8Array {
  if (status) return status;
  const s = new Uint8Array(lastDay - firstDay + 1);
  const names = new Map<number, string>();
  for (let d = firstDay; d <= lastDay; d++) {
    const wd = weekdayOfDay(d);
    s[d - firstDay] = wd === 0 || wd === 6 ? CLOSED : FULL;
  }
  for (let y = FIRST_CALENDAR_YEAR; y <= LAST_CALENDAR_YEAR; y++) {
    for (const d of earlyClosesOf(y)) if (s[d - firstDay] === FULL) s[d - firstDay] = EARLY;
    for (const [d, name] of holidaysOf(y)) {
      if (d < firstDay || d > lastDay) continue;
      s[d - firstDay] = CLOSED;
      names.set(d, name);
    }
  }
  for (const [date, name] of Object.entries(SPECIAL_CLOSURES)) {
    const [y, m, dd] = date.split("-").map(Number);
    const d = daysFromCivil(y, m, dd);
    s[d - firstDay] = CLOSED;
    names.set(d, name);
  }
  status = s;
  holidayNames = names;
  return s;
}

function dayIndex(dayMs: number): number {
  const d = Math.floor(dayMs / DAY_MS);
  if (d < firstDay || d > lastDay) {
    throw new RangeError(
      `session calendar covers ${FIRST_CALENDAR_YEAR}-01-01..${LAST_CALENDAR_YEAR}-12-31, got ${isoDate(dayMs)}`,
    );
  }
  return d - firstDay;
}

/** 00:00 UTC ms of a `YYYY-MM-DD` date. */
export function dayMsOf(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`expected a date YYYY-MM-DD, got ${quoteInput(date)}`);
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) * DAY_MS;
}

/** Is the date (00:00 UTC ms) an NYSE trading session? */
export function isSession(dayMs: number): boolean {
  return table()[dayIndex(dayMs)] !== CLOSED;
}

/** Is the date a 13:00 ET early close? */
export function isEarlyClose(dayMs: number): boolean {
  return table()[dayIndex(dayMs)] === EARLY;
}

/** Name of the holiday or closure on a weekday, or null (also null for weekends and sessions). */
export function holidayName(dayMs: number): string | null {
  table();
  return holidayNames!.get(Math.floor(dayMs / DAY_MS)) ?? null;
}

/** Session open (09:30 ET) as UTC ms. Throws for a non-session. */
export function sessionOpen(dayMs: number): number {
  if (!isSession(dayMs)) throw new RangeError(`${isoDate(dayMs)} is not an NYSE session`);
  return newYorkToUtc(dayMs, REGULAR_OPEN_MIN);
}

/** Session close (16:00 ET, 13:00 on early closes) as UTC ms. Throws for a non-session. */
export function sessionClose(dayMs: number): number {
  if (!isSession(dayMs)) throw new RangeError(`${isoDate(dayMs)} is not an NYSE session`);
  return newYorkToUtc(dayMs, isEarlyClose(dayMs) ? EARLY_CLOSE_MIN : REGULAR_CLOSE_MIN);
}

/** The first session strictly after a date. */
export function nextSession(dayMs: number): number {
  const s = table();
  for (let i = dayIndex(dayMs) + 1; i < s.length; i++) if (s[i] !== CLOSED) return (i + firstDay) * DAY_MS;
  throw new RangeError(`no session after ${isoDate(dayMs)} within the calendar`);
}

/** The last session strictly before a date. */
export function previousSession(dayMs: number): number {
  const s = table();
  for (let i = dayIndex(dayMs) - 1; i >= 0; i--) if (s[i] !== CLOSED) return (i + firstDay) * DAY_MS;
  throw new RangeError(`no session before ${isoDate(dayMs)} within the calendar`);
}

/** All sessions in [fromDayMs, toDayMs] (both inclusive), as 00:00 UTC ms. */
export function sessionsBetween(fromDayMs: number, toDayMs: number): Float64Array {
  const s = table();
  const a = dayIndex(fromDayMs);
  const b = dayIndex(toDayMs);
  let n = 0;
  for (let i = a; i <= b; i++) if (s[i] !== CLOSED) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = a; i <= b; i++) if (s[i] !== CLOSED) out[k++] = (i + firstDay) * DAY_MS;
  return out;
}

/** Monday (00:00 UTC) of the calendar week containing a date: the key of a weekly bar. */
export function weekStart(dayMs: number): number {
  const d = Math.floor(dayMs / DAY_MS);
  return (d - ((weekdayOfDay(d) + 6) % 7)) * DAY_MS;
}
