/**
 * The instants a request may name (`asof`, `from`, `to`): an ISO 8601 date (`2024-01-31`, UTC
 * midnight, as daily bars are stamped) or a date-time with a zone (`2024-01-31T14:30:00Z`,
 * `…+01:00`). A date-time without a zone is refused: `Date` would read it in the server's own
 * time zone, so the same request would mean different bars on different machines.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

export const ISO_INSTANT_FORM = "an ISO date (2024-01-31) or date-time with a zone (2024-01-31T14:30:00Z)";

/** Epoch ms of `text`, or null when it is not one of the forms above or names no real day or time. */
export function parseIsoInstant(text: string): number | null {
  const date = DATE.exec(text);
  if (date) return civilUtc(+date[1], +date[2], +date[3], 0, 0, 0);
  const dt = DATE_TIME.exec(text);
  if (!dt) return null;
  const [, y, mo, d, h, mi, s = "0", frac = "", zone] = dt;
  const base = civilUtc(+y, +mo, +d, +h, +mi, +s);
  if (base === null) return null;
  const offset = zone === "Z" ? 0 : zoneMinutes(zone);
  if (offset === null) return null;
  // Whole milliseconds, from the digits (a float product would make .57 s 569.999… ms).
  return base + Number(frac.padEnd(3, "0").slice(0, 3)) - offset * 60_000;
}

/** UTC ms of a civil date and time, or null when a field is out of range (2024-02-30, 24:00). */
function civilUtc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return null;
  // setUTCFullYear, not Date.UTC, which reads years 0–99 as 1900–1999.
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, 0);
  // An out-of-range day rolls into the next month; a real day reads back unchanged.
  return t.getUTCDate() === d && d >= 1 ? t.getTime() : null;
}

/** `+05:30` → 330, or null past ±14:00 (no zone on Earth is further). */
function zoneMinutes(zone: string): number | null {
  const sign = zone[0] === "-" ? -1 : 1;
  const minutes = +zone.slice(1, 3) * 60 + +zone.slice(4, 6);
  return +zone.slice(4, 6) > 59 || minutes > 14 * 60 ? null : sign * minutes;
}
