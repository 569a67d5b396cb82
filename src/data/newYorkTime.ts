/**
 * America/New_York wall-clock arithmetic without Intl: US DST rules computed per year and
 * cached, because the loaders check the UTC offset of every intraday row and Intl is far too
 * slow for a million rows. Valid from 1976 (the rules before are irregular) to 2099.
 */
export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const FIRST_YEAR = 1976;
const LAST_YEAR = 2099;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month 1-12, day] of a day number. */
export function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Day number of the n-th (1-based) given weekday of a month; n = -1 means the last one. */
export function nthWeekdayOfMonth(y: number, m: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = daysFromCivil(y, m, 1);
    return first + ((weekday - weekdayOfDay(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = (m === 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, m + 1, 1)) - 1;
  return last - ((weekdayOfDay(last) - weekday + 7) % 7);
}

const dstStart = new Float64Array(LAST_YEAR - FIRST_YEAR + 1).fill(Number.NaN);
const dstEnd = new Float64Array(LAST_YEAR - FIRST_YEAR + 1);

function transitions(y: number): number {
  if (y < FIRST_YEAR || y > LAST_YEAR) {
    throw new RangeError(`America/New_York DST rules are implemented for ${FIRST_YEAR}-${LAST_YEAR}, got year ${y}`);
  }
  const i = y - FIRST_YEAR;
  if (Number.isNaN(dstStart[i])) {
    // Clocks change at 02:00 local: 07:00 UTC in spring (EST), 06:00 UTC in autumn (EDT).
    let startDay: number;
    let endDay: number;
    if (y >= 2007) {
      startDay = nthWeekdayOfMonth(y, 3, 0, 2);
      endDay = nthWeekdayOfMonth(y, 11, 0, 1);
    } else if (y >= 1987) {
      startDay = nthWeekdayOfMonth(y, 4, 0, 1);
      endDay = nthWeekdayOfMonth(y, 10, 0, -1);
    } else {
      startDay = nthWeekdayOfMonth(y, 4, 0, -1);
      endDay = nthWeekdayOfMonth(y, 10, 0, -1);
    }
    dstStart[i] = startDay * DAY_MS + 7 * HOUR_MS;
    dstEnd[i] = endDay * DAY_MS + 6 * HOUR_MS;
  }
  return i;
}

/** UTC offset of New York in minutes (-240 in EDT, -300 in EST) at a UTC instant of year `y`. */
export function newYorkOffsetMinutesInYear(utcMs: number, y: number): number {
  const i = transitions(y);
  return utcMs >= dstStart[i] && utcMs < dstEnd[i] ? -240 : -300;
}

/** UTC offset of New York in minutes at a UTC instant. */
export function newYorkOffsetMinutes(utcMs: number): number {
  return newYorkOffsetMinutesInYear(utcMs, civilFromDays(Math.floor(utcMs / DAY_MS))[0]);
}

/** UTC instant of a New York wall-clock time on a date (dayMs = 00:00 UTC of that date). */
export function newYorkToUtc(dayMs: number, minutesAfterMidnight: number): number {
  // Offsets only change on Sunday nights at 02:00, so noon local decides the whole trading day.
  const y = civilFromDays(Math.floor(dayMs / DAY_MS))[0];
  const offset = newYorkOffsetMinutesInYear(dayMs + 17 * HOUR_MS, y);
  return dayMs + (minutesAfterMidnight - offset) * 60_000;
}

/** 00:00 UTC of the New York calendar date that contains a UTC instant. */
export function newYorkDayOf(utcMs: number): number {
  const local = utcMs + newYorkOffsetMinutes(utcMs) * 60_000;
  return Math.floor(local / DAY_MS) * DAY_MS;
}

/** `YYYY-MM-DD` of a day number or of 00:00 UTC ms. */
export function isoDate(dayMs: number): string {
  return new Date(Math.floor(dayMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** ISO-8601 of a UTC instant in New York local time with its offset, e.g. 2025-09-15T09:30:00-04:00. */
export function isoNewYork(utcMs: number): string {
  const off = newYorkOffsetMinutes(utcMs);
  const local = new Date(utcMs + off * 60_000).toISOString().slice(0, 19);
  const a = -off;
  return `${local}-${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}
