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
  const r = new BodyReader(buf, file, hd);
  const ncols = hd.kinds.length;
  const kinds = hd.kinds;
  const len = buf.length;
  while (r.pos < len) {
    r.line++;
    if (r.atBlankLine()) break;
    let t = 0;
    for (let c = 0; c < ncols; c++) {
      const k = kinds[c];
      if (k === K_TIMESTAMP || k === K_DATE) t = r.time(c, k);
      else if (k === K_TICKER) r.ticker(c);
      else {
        const value = r.number(c);
        const dst = dest[c];
        if (dst !== null) dst[r.row] = value;
      }
      r.fieldEnd(c);
    }
    if (checkOrder) r.checkOrder(t);
    r.prevTs = t;
    ts[r.row] = t;
    r.row++;
  }
  if (r.row === 0) {
    // A header alone is not an empty series but a broken export: refuse it rather than
    // validate or ingest "0 series, 0 bars".
    throw new DataFormatError(file, null, null, null, "no data rows: the file holds a header only");
  }
  const groups = r.groups;
  if (groups.length > 0) groups[groups.length - 1].end = r.row;
  return {
    n: r.row,
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

/**
 * One pass over the body: the cursor (pos, line, row), each field's reader, and what
 * neighbouring rows share (the last date, the current ticker). A class: its fields keep one
 * shape, which V8 reads as fast as the locals they were.
 */
class BodyReader {
  pos: number;
  line = 1;
  row = 0;
  prevTs = Number.NEGATIVE_INFINITY;
  readonly len: number;
  readonly ncols: number;
  readonly groups: Columns["groups"] = [];
  private readonly seenTickers = new Set<string>();
  private tickerStart = -1;
  private tickerEnd = -1;
  private curTicker = "";
  // Cache of the last parsed date (most rows share a date with their neighbour in intraday files).
  private lastDateKey = -1;
  private lastDateMs = 0;
  private lastYear = 0;
  private dayOffset = Number.NaN;

  constructor(
    readonly buf: Uint8Array,
    readonly file: string,
    readonly hd: Header,
  ) {
    this.pos = hd.bodyStart;
    this.len = buf.length;
    this.ncols = hd.kinds.length;
  }

  fail(c: number, reason: string): never {
    throw new DataFormatError(this.file, this.line, c + 1, this.hd.names[c], reason);
  }

  fieldText(start: number): string {
    const { buf, len } = this;
    let e = start;
    while (e < len && !isDelimiter(buf[e])) e++;
    return Buffer.from(buf.buffer, buf.byteOffset + start, e - start).toString("latin1");
  }

  num2(p: number, c: number): number {
    const x = two(this.buf, p);
    return x >= 0 ? x : this.fail(c, `expected two digits at ${quoteInput(this.fieldText(p))}`);
  }

  /** A blank line: true at the end of the file (trailing whitespace), an error inside the data. */
  atBlankLine(): boolean {
    const { buf, len, pos } = this;
    if (buf[pos] !== 10 && buf[pos] !== 13) return false;
    let q = pos;
    while (q < len && (buf[q] === 10 || buf[q] === 13)) q++;
    if (q >= len) return true;
    throw new DataFormatError(this.file, this.line, null, null, "empty line inside the data");
  }

  /** A date or timestamp field (kind k) as epoch milliseconds. */
  time(c: number, k: number): number {
    const start = this.pos;
    this.date(c, k);
    const t = k === K_DATE ? this.lastDateMs : this.clock(c, start);
    const { buf, pos } = this;
    if (!isDelimiter(buf[pos]) && pos < this.len) {
      this.fail(c, `unexpected characters after the time: ${quoteInput(this.fieldText(start))}`);
    }
    return t;
  }

  /** YYYY-MM-DD at pos: checked against the calendar, cached with its day's New York offset. */
  private date(c: number, k: number): void {
    const { buf, pos } = this;
    const y1 = two(buf, pos);
    const y2 = two(buf, pos + 2);
    const mo = two(buf, pos + 5);
    const d = two(buf, pos + 8);
    if ((y1 | y2 | mo | d) < 0 || buf[pos + 4] !== 45 || buf[pos + 7] !== 45) {
      this.fail(c, `expected a date YYYY-MM-DD, got ${quoteInput(this.fieldText(pos))}`);
    }
    const y = y1 * 100 + y2;
    const key = y * 10000 + mo * 100 + d;
    if (key !== this.lastDateKey) {
      const dm = civilDays(y, mo, d);
      const monthLength = mo === 12 ? 31 : civilDays(y, mo + 1, 1) - civilDays(y, mo, 1);
      if (mo < 1 || mo > 12 || d < 1 || d > monthLength) {
        this.fail(c, `not a calendar date: ${quoteInput(this.fieldText(pos))}`);
      }
      this.lastDateKey = key;
      this.lastDateMs = dm * DAY_MS;
      this.lastYear = y;
      if (k === K_TIMESTAMP) {
        // New York's offset is constant over a local day except on the two DST Sundays.
        const a = offsetInYear(this.lastDateMs + 4 * 3_600_000, y);
        this.dayOffset = a === offsetInYear(this.lastDateMs + 29 * 3_600_000, y) ? a : Number.NaN;
      }
    }
    this.pos = pos + 10;
  }

  /**
   * THH:MM[:SS[.fff]] then Z or ±HH:MM / ±HHMM after the date: the instant, whose offset must be
   * New York's at that instant. `start` is the field's first byte (for messages).
   */
  private clock(c: number, start: number): number {
    const { buf, len } = this;
    let pos = this.pos;
    if (buf[pos] !== 84 && buf[pos] !== 32) {
      this.fail(c, `expected "T" after the date in ${quoteInput(this.fieldText(start))}`);
    }
    const hh = this.num2(pos + 1, c);
    if (buf[pos + 3] !== 58) this.fail(c, `expected HH:MM in ${quoteInput(this.fieldText(start))}`);
    const mi = this.num2(pos + 4, c);
    pos += 6;
    let sec = 0;
    if (buf[pos] === 58) {
      sec = this.num2(pos + 1, c);
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
    if (hh > 23 || mi > 59 || sec >= 61) {
      this.fail(c, `time of day out of range in ${quoteInput(this.fieldText(start))}`);
    }
    this.pos = pos;
    const offMin = this.utcOffset(c, start);
    const t = this.lastDateMs + (hh * 60 + mi - offMin) * MINUTE_MS + Math.round(sec * 1000);
    if (offMin !== this.dayOffset && offsetInYear(t, this.lastYear) !== offMin) {
      const ny = offsetInYear(t, this.lastYear);
      this.fail(
        c,
        `UTC offset ${fmtOffset(offMin)} in ${quoteInput(this.fieldText(start))} is not America/New_York's offset ` +
          `at that instant (${fmtOffset(ny)}); mixed time zones or a wrong DST offset`,
      );
    }
    return t;
  }

  /** Z or ±HH:MM / ±HHMM at pos, in minutes east of UTC. */
  private utcOffset(c: number, start: number): number {
    const { buf, pos } = this;
    const sgn = buf[pos];
    if (sgn === 90) {
      this.pos = pos + 1;
      return 0;
    }
    if (sgn !== 43 && sgn !== 45) {
      return this.fail(
        c,
        `timestamp without UTC offset: ${quoteInput(this.fieldText(start))} (expected e.g. 2025-09-15T09:30:00-04:00)`,
      );
    }
    const oh = this.num2(pos + 1, c);
    let om: number;
    if (buf[pos + 3] === 58) {
      om = this.num2(pos + 4, c);
      this.pos = pos + 6;
    } else {
      om = this.num2(pos + 3, c);
      this.pos = pos + 5;
    }
    return (sgn === 45 ? -1 : 1) * (oh * 60 + om);
  }

  /** A ticker field: a new one must be valid and not seen before (rows are grouped by ticker). */
  ticker(c: number): void {
    const { buf, len } = this;
    const start = this.pos;
    let pos = start;
    while (pos < len && !isDelimiter(buf[pos])) pos++;
    this.pos = pos;
    const s0 = this.tickerStart;
    let same = s0 >= 0 && pos - start === this.tickerEnd - s0;
    if (same) {
      for (let i = 0; i < pos - start; i++) {
        if (buf[start + i] !== buf[s0 + i]) {
          same = false;
          break;
        }
      }
    }
    if (same) return;
    const name = Buffer.from(buf.buffer, buf.byteOffset + start, pos - start).toString("utf8");
    if (name.length === 0) this.fail(c, "empty ticker");
    const problem = tickerProblem(name);
    if (problem !== null) this.fail(c, problem);
    if (this.seenTickers.has(name)) {
      this.fail(c, `rows of ticker ${name} are not contiguous (the file must be grouped by ticker)`);
    }
    this.seenTickers.add(name);
    const groups = this.groups;
    if (groups.length > 0) groups[groups.length - 1].end = this.row;
    groups.push({ ticker: name, start: this.row, end: this.row });
    this.curTicker = name;
    this.tickerStart = start;
    this.tickerEnd = pos;
    this.prevTs = Number.NEGATIVE_INFINITY;
  }

  /** A number field: [+-]digits[.digits], else Number() for exponents, NaN, long mantissas. */
  number(c: number): number {
    const { buf, len } = this;
    const start = this.pos;
    let p = start;
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
    if (nd > 0 && nd <= 15 && (p >= len || isDelimiter(b))) {
      this.pos = p;
      const value = scale === 0 ? mant : mant / POW10[scale];
      return neg ? -value : value;
    }
    const text = this.fieldText(start);
    this.pos = start + text.length;
    const trimmed = text.trim();
    if (trimmed === "" || trimmed === "NaN" || trimmed === "nan" || trimmed === "NA") return Number.NaN;
    // Decimal notation only: Number() alone would also accept "0x1F", "Infinity" and "1_0"-like oddities.
    const value = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isFinite(value)) this.fail(c, `not a number: ${quoteInput(text)}`);
    return value;
  }

  /** The delimiter after field c: a comma, or the line's end after the last field. */
  fieldEnd(c: number): void {
    const { buf, len, pos, ncols } = this;
    if (c < ncols - 1) {
      if (buf[pos] !== 44) {
        if (pos >= len || buf[pos] === 10 || buf[pos] === 13) {
          this.fail(c + 1, `missing field: the row has ${c + 1} fields, the header ${ncols}`);
        }
        this.fail(c, `unexpected character ${quoteInput(String.fromCharCode(buf[pos]))} after the field`);
      }
      this.pos = pos + 1;
      return;
    }
    let p = pos;
    if (buf[p] === 13) p++;
    if (p < len && buf[p] !== 10) {
      throw new DataFormatError(this.file, this.line, ncols + 1, null, `more fields than the ${ncols} header columns`);
    }
    this.pos = p + 1;
  }

  /** Within a ticker, the row's time t must come after the previous row's. */
  checkOrder(t: number): void {
    const of = this.curTicker;
    let problem: string;
    if (t === this.prevTs) problem = `duplicate timestamp${of ? ` for ticker ${of}` : ""} (same as the previous row)`;
    else if (t < this.prevTs) {
      problem = `rows not sorted by time${of ? ` within ticker ${of}` : ""} (earlier than the previous row)`;
    } else return;
    const hd = this.hd;
    throw new DataFormatError(
      this.file,
      this.line,
      hd.kinds.indexOf(hd.timeKind) + 1,
      COLUMN_NAMES[hd.timeKind],
      problem,
    );
  }
}

function fmtOffset(min: number): string {
  if (min === 0) return "+00:00";
  const a = Math.abs(min);
  return `${min < 0 ? "-" : "+"}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}
