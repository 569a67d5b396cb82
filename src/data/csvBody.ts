/**
 * The row reader of the bars CSV parser: one pass over the raw bytes after the header, filling
 * preallocated columns. Numbers with at most 15 significant digits are read as integer mantissa
 * / power of ten (see csv.ts for why this equals `parseFloat`).
 */
import { DataFormatError } from "./dataFormatError";
import { COLUMN_NAMES, type Header, K_ADJ, K_DATE, K_OPEN, K_TICKER, K_TIMESTAMP, K_VOLUME } from "./csvHeader";
import { DAY_MS, daysFromCivil, newYorkOffsetMinutesInYear } from "./newYorkTime";
import { quoteInput } from "./quoteInput";
import { tickerProblem } from "./ticker";

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MINUTE_MS = 60_000;

function countLines(buf: Uint8Array, from: number): number {
  // Buffer#indexOf is a native memchr: several times faster than a JS byte loop.
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let n = 0;
  for (let i = b.indexOf(10, from); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return buf.length > from && buf[buf.length - 1] !== 10 ? n + 1 : n;
}

/** Two ASCII digits at p as a number, or -1. */
function two(buf: Uint8Array, p: number): number {
  const a = buf[p] - 48;
  const b = buf[p + 1] - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

// Local bindings: under tsx/tslab (CommonJS) every call through an imported name is a property read.
const offsetInYear = newYorkOffsetMinutesInYear;
const civilDays = daysFromCivil;

export interface Columns {
  n: number;
  ts: Float64Array;
  o: Float64Array;
  h: Float64Array;
  l: Float64Array;
  c: Float64Array;
  v: Float64Array | null;
  a: Float64Array | null;
  /** Long format: [ticker, startRow, endRow) per contiguous group. */
  groups: { ticker: string; start: number; end: number }[];
}

function isDelimiter(b: number): boolean {
  return b === 44 || b === 10 || b === 13;
}

/** The body parser shared by single- and multi-ticker files. */
export function parseBody(buf: Uint8Array, file: string, hd: Header, checkOrder: boolean): Columns {
  const cap = countLines(buf, hd.bodyStart);
  const ts = new Float64Array(cap);
  const cols = [ts, new Float64Array(cap), new Float64Array(cap), new Float64Array(cap), new Float64Array(cap)];
  const v = hd.hasVolume ? new Float64Array(cap) : null;
  const a = hd.hasAdj ? new Float64Array(cap) : null;
  // Destination array per CSV column (null for the time and ticker columns).
  const dest: (Float64Array | null)[] = [];
  for (let c = 0; c < hd.kinds.length; c++) {
    const k = hd.kinds[c];
    dest.push(k >= K_OPEN && k < K_VOLUME ? cols[k - K_OPEN + 1] : k === K_VOLUME ? v : k === K_ADJ ? a : null);
  }
  const groups: Columns["groups"] = [];
  const seenTickers = new Set<string>();
  const ncols = hd.kinds.length;
  const kinds = hd.kinds;
  const len = buf.length;
  let pos = hd.bodyStart;
  let line = 1;
  let row = 0;
  let prevTs = Number.NEGATIVE_INFINITY;
  let tickerStart = -1;
  let tickerEnd = -1;
  let curTicker = "";
  // Cache of the last parsed date (most rows share a date with their neighbour in intraday files).
  let lastDateKey = -1;
  let lastDateMs = 0;
  let lastYear = 0;
  let dayOffset = Number.NaN;

  const fail = (c: number, reason: string): never => {
    throw new DataFormatError(file, line, c + 1, hd.names[c], reason);
  };
  const fieldText = (start: number): string => {
    let e = start;
    while (e < len && !isDelimiter(buf[e])) e++;
    return Buffer.from(buf.buffer, buf.byteOffset + start, e - start).toString("latin1");
  };
  const num2 = (p: number, c: number): number => {
    const x = two(buf, p);
    return x >= 0 ? x : fail(c, `expected two digits at ${quoteInput(fieldText(p))}`);
  };

  while (pos < len) {
    line++;
    // Blank line: allowed only as trailing whitespace at the end of the file.
    if (buf[pos] === 10 || buf[pos] === 13) {
      let q = pos;
      while (q < len && (buf[q] === 10 || buf[q] === 13)) q++;
      if (q >= len) break;
      throw new DataFormatError(file, line, null, null, "empty line inside the data");
    }
    let t = 0;
    for (let c = 0; c < ncols; c++) {
      const k = kinds[c];
      const start = pos;
      if (k === K_TIMESTAMP || k === K_DATE) {
        // YYYY-MM-DD
        const y1 = two(buf, pos);
        const y2 = two(buf, pos + 2);
        const mo = two(buf, pos + 5);
        const d = two(buf, pos + 8);
        if ((y1 | y2 | mo | d) < 0 || buf[pos + 4] !== 45 || buf[pos + 7] !== 45) {
          fail(c, `expected a date YYYY-MM-DD, got ${quoteInput(fieldText(start))}`);
        }
        const y = y1 * 100 + y2;
        const key = y * 10000 + mo * 100 + d;
        if (key !== lastDateKey) {
          const dm = civilDays(y, mo, d);
          const monthLength = mo === 12 ? 31 : civilDays(y, mo + 1, 1) - civilDays(y, mo, 1);
          if (mo < 1 || mo > 12 || d < 1 || d > monthLength) {
            fail(c, `not a calendar date: ${quoteInput(fieldText(start))}`);
          }
          lastDateKey = key;
          lastDateMs = dm * DAY_MS;
          lastYear = y;
          if (k === K_TIMESTAMP) {
            // New York's offset is constant over a local day except on the two DST Sundays.
            const a = offsetInYear(lastDateMs + 4 * 3_600_000, y);
            dayOffset = a === offsetInYear(lastDateMs + 29 * 3_600_000, y) ? a : Number.NaN;
          }
        }
        pos += 10;
        if (k === K_DATE) {
          t = lastDateMs;
        } else {
          // THH:MM[:SS[.fff]] then Z or ±HH:MM / ±HHMM
          if (buf[pos] !== 84 && buf[pos] !== 32)
            fail(c, `expected "T" after the date in ${quoteInput(fieldText(start))}`);
          const hh = num2(pos + 1, c);
          if (buf[pos + 3] !== 58) fail(c, `expected HH:MM in ${quoteInput(fieldText(start))}`);
          const mi = num2(pos + 4, c);
          pos += 6;
          let sec = 0;
          if (buf[pos] === 58) {
            sec = num2(pos + 1, c);
            pos += 3;
            if (buf[pos] === 46) {
              pos++;
              let scale = 1000;
              while (pos < len && buf[pos] >= 48 && buf[pos] <= 57) {
                scale /= 10;
                sec += (buf[pos] - 48) * (scale / 1000);
                pos++;
              }
            }
          }
          if (hh > 23 || mi > 59 || sec >= 61) fail(c, `time of day out of range in ${quoteInput(fieldText(start))}`);
          let offMin: number;
          const sgn = buf[pos];
          if (sgn === 90) {
            offMin = 0;
            pos++;
          } else if (sgn === 43 || sgn === 45) {
            const oh = num2(pos + 1, c);
            let om: number;
            if (buf[pos + 3] === 58) {
              om = num2(pos + 4, c);
              pos += 6;
            } else {
              om = num2(pos + 3, c);
              pos += 5;
            }
            offMin = (sgn === 45 ? -1 : 1) * (oh * 60 + om);
          } else {
            return fail(
              c,
              `timestamp without UTC offset: ${quoteInput(fieldText(start))} (expected e.g. 2025-09-15T09:30:00-04:00)`,
            );
          }
          t = lastDateMs + (hh * 60 + mi - offMin) * MINUTE_MS + Math.round(sec * 1000);
          if (offMin !== dayOffset && offsetInYear(t, lastYear) !== offMin) {
            const ny = offsetInYear(t, lastYear);
            fail(
              c,
              `UTC offset ${fmtOffset(offMin)} in ${quoteInput(fieldText(start))} is not America/New_York's offset ` +
                `at that instant (${fmtOffset(ny)}); mixed time zones or a wrong DST offset`,
            );
          }
        }
        if (!isDelimiter(buf[pos]) && pos < len)
          fail(c, `unexpected characters after the time: ${quoteInput(fieldText(start))}`);
      } else if (k === K_TICKER) {
        while (pos < len && !isDelimiter(buf[pos])) pos++;
        const s0 = tickerStart;
        let same = s0 >= 0 && pos - start === tickerEnd - s0;
        if (same) {
          for (let i = 0; i < pos - start; i++) {
            if (buf[start + i] !== buf[s0 + i]) {
              same = false;
              break;
            }
          }
        }
        if (!same) {
          const name = Buffer.from(buf.buffer, buf.byteOffset + start, pos - start).toString("utf8");
          if (name.length === 0) fail(c, "empty ticker");
          const problem = tickerProblem(name);
          if (problem !== null) fail(c, problem);
          if (seenTickers.has(name))
            fail(c, `rows of ticker ${name} are not contiguous (the file must be grouped by ticker)`);
          seenTickers.add(name);
          if (groups.length > 0) groups[groups.length - 1].end = row;
          groups.push({ ticker: name, start: row, end: row });
          curTicker = name;
          tickerStart = start;
          tickerEnd = pos;
          prevTs = Number.NEGATIVE_INFINITY;
        }
      } else {
        // Number: [+-]digits[.digits], else fallback to Number() for exponents, NaN, long mantissas.
        let p = pos;
        let neg = false;
        if (buf[p] === 45) {
          neg = true;
          p++;
        } else if (buf[p] === 43) p++;
        let mant = 0;
        let nd = 0;
        let scale = 0;
        let b = buf[p];
        while (b >= 48 && b <= 57) {
          mant = mant * 10 + (b - 48);
          nd++;
          b = buf[++p];
        }
        if (b === 46) {
          b = buf[++p];
          while (b >= 48 && b <= 57) {
            mant = mant * 10 + (b - 48);
            nd++;
            scale++;
            b = buf[++p];
          }
        }
        let value: number;
        if (nd > 0 && nd <= 15 && (p >= len || isDelimiter(b))) {
          value = scale === 0 ? mant : mant / POW10[scale];
          if (neg) value = -value;
          pos = p;
        } else {
          const text = fieldText(start);
          pos = start + text.length;
          const trimmed = text.trim();
          if (trimmed === "" || trimmed === "NaN" || trimmed === "nan" || trimmed === "NA") value = Number.NaN;
          else {
            // Decimal notation only: Number() alone would also accept "0x1F", "Infinity" and "1_0"-like oddities.
            value = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
            if (!Number.isFinite(value)) fail(c, `not a number: ${quoteInput(text)}`);
          }
        }
        const dst = dest[c];
        if (dst !== null) dst[row] = value;
      }
      // Delimiter after the field.
      if (c < ncols - 1) {
        if (buf[pos] !== 44) {
          if (pos >= len || buf[pos] === 10 || buf[pos] === 13) {
            fail(c + 1, `missing field: the row has ${c + 1} fields, the header ${ncols}`);
          }
          fail(c, `unexpected character ${quoteInput(String.fromCharCode(buf[pos]))} after the field`);
        }
        pos++;
      } else {
        if (buf[pos] === 13) pos++;
        if (pos < len && buf[pos] !== 10) {
          throw new DataFormatError(file, line, ncols + 1, null, `more fields than the ${ncols} header columns`);
        }
        pos++;
      }
    }
    if (checkOrder) {
      if (t === prevTs) {
        throw new DataFormatError(
          file,
          line,
          hd.kinds.indexOf(hd.timeKind) + 1,
          COLUMN_NAMES[hd.timeKind],
          `duplicate timestamp${curTicker ? ` for ticker ${curTicker}` : ""} (same as the previous row)`,
        );
      }
      if (t < prevTs) {
        throw new DataFormatError(
          file,
          line,
          hd.kinds.indexOf(hd.timeKind) + 1,
          COLUMN_NAMES[hd.timeKind],
          `rows not sorted by time${curTicker ? ` within ticker ${curTicker}` : ""} (earlier than the previous row)`,
        );
      }
    }
    prevTs = t;
    ts[row] = t;
    row++;
  }
  if (row === 0) {
    // A header alone is not an empty series but a broken export: refuse it rather than
    // validate or ingest "0 series, 0 bars".
    throw new DataFormatError(file, null, null, null, "no data rows: the file holds a header only");
  }
  if (groups.length > 0) groups[groups.length - 1].end = row;
  return {
    n: row,
    ts,
    o: cols[1],
    h: cols[2],
    l: cols[3],
    c: cols[4],
    v,
    a,
    groups,
  };
}

function fmtOffset(min: number): string {
  if (min === 0) return "+00:00";
  const a = Math.abs(min);
  return `${min < 0 ? "-" : "+"}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}
