/**
 * Hand-written CSV → `Bars` parser working on the raw bytes. No CSV library: this is the hot
 * path of the load benchmark against pandas `read_csv`, and the bundled formats are simple
 * (no quoting). Numbers with at most 15 significant digits are parsed as integer mantissa /
 * power of ten, which is exactly what `parseFloat` returns (both operands are exact doubles
 * and IEEE division rounds correctly); anything else falls back to `Number()`.
 *
 * Formats: daily `date` (YYYY-MM-DD → 00:00 UTC), intraday `timestamp` (ISO-8601 with UTC
 * offset, which must be New York's offset at that instant), optional `volume` and
 * `adj_close`, and the long multi-ticker format with a leading `ticker` column.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { gunzipSync } from "node:zlib";
import { type Bars, INTRADAY_TIMEFRAME_MS, type Timeframe, isTimeframe } from "./bars";
import { parseBody } from "./csvBody";
import { type Header, K_DATE, parseHeader } from "./csvHeader";
import { DataFormatError } from "./dataFormatError";
import { readProblem } from "./pathProblem";
import { tickerProblem } from "./ticker";

export interface CsvOptions {
  /** Name used in error messages (default: the path, or "<buffer>"). */
  file?: string;
  /** Ticker of a single-ticker file (default: the file name up to the first "_" or "."). */
  ticker?: string;
  /** Timeframe (default: "1d" for `date` files; from a `_1m`-style file-name suffix or the smallest bar spacing). */
  timeframe?: Timeframe;
  /**
   * Reject unsorted rows and duplicate timestamps (default true). Turn off only to hand
   * broken data to `validateBars`, which reports them as findings.
   */
  checkOrder?: boolean;
}

function inferTimeframe(ts: Float64Array, n: number, hd: Header, file: string): Timeframe {
  if (hd.timeKind === K_DATE) return "1d";
  const m = /_(1m|5m|15m|1h)\.csv(\.gz)?$/.exec(file);
  if (m && isTimeframe(m[1])) return m[1];
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < Math.min(n, 5000); i++) {
    const g = ts[i] - ts[i - 1];
    if (g > 0 && g < gap) gap = g;
  }
  for (const [tf, ms] of Object.entries(INTRADAY_TIMEFRAME_MS)) if (ms === gap && isTimeframe(tf)) return tf;
  throw new DataFormatError(
    file,
    null,
    null,
    "timestamp",
    `cannot infer the timeframe (smallest bar spacing ${gap / 60_000} min); pass { timeframe }`,
  );
}

function tickerFromFile(file: string): string {
  return basename(file)
    .replace(/\.csv(\.gz)?$/i, "")
    .split("_")[0];
}

function sub(a: Float64Array, n: number): Float64Array {
  return a.length === n ? a : a.subarray(0, n);
}

/** Parse a single-ticker CSV held in memory. */
export function parseBarsCsv(buf: Uint8Array, options: CsvOptions = {}): Bars {
  const file = options.file ?? "<buffer>";
  const hd = parseHeader(buf, file, false);
  const cols = parseBody(buf, file, hd, options.checkOrder ?? true);
  const n = cols.n;
  const timeframe = options.timeframe ?? inferTimeframe(cols.ts, n, hd, file);
  const ticker = options.ticker ?? tickerFromFile(file);
  const problem = tickerProblem(ticker);
  if (problem !== null) {
    const from = options.ticker === undefined ? ' (taken from the file name up to its first "_" or ".csv")' : "";
    throw new DataFormatError(file, null, null, null, `${problem}${from}`);
  }
  return {
    ticker,
    timeframe,
    ts: sub(cols.ts, n),
    open: sub(cols.o, n),
    high: sub(cols.h, n),
    low: sub(cols.l, n),
    close: sub(cols.c, n),
    volume: cols.v ? sub(cols.v, n) : null,
    adjClose: cols.a ? sub(cols.a, n) : null,
  };
}

/** Parse a long multi-ticker CSV (`ticker,date,…`, grouped by ticker) held in memory. */
export function parseLongCsv(buf: Uint8Array, options: Omit<CsvOptions, "ticker"> = {}): Map<string, Bars> {
  const file = options.file ?? "<buffer>";
  const hd = parseHeader(buf, file, true);
  const cols = parseBody(buf, file, hd, options.checkOrder ?? true);
  const timeframe = options.timeframe ?? inferTimeframe(cols.ts, cols.n, hd, file);
  const out = new Map<string, Bars>();
  for (const g of cols.groups) {
    out.set(g.ticker, {
      ticker: g.ticker,
      timeframe,
      ts: cols.ts.subarray(g.start, g.end),
      open: cols.o.subarray(g.start, g.end),
      high: cols.h.subarray(g.start, g.end),
      low: cols.l.subarray(g.start, g.end),
      close: cols.c.subarray(g.start, g.end),
      volume: cols.v ? cols.v.subarray(g.start, g.end) : null,
      adjClose: cols.a ? cols.a.subarray(g.start, g.end) : null,
    });
  }
  return out;
}

/** File bytes, gunzipped when the name ends in `.gz`. */
export function readCsvBytes(path: string): Buffer {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new DataFormatError(path, null, null, null, readProblem(e));
  }
  if (!path.endsWith(".gz")) return raw;
  try {
    return gunzipSync(raw);
  } catch (e) {
    throw new DataFormatError(path, null, null, null, `not a valid gzip file: ${(e as Error).message}`);
  }
}

/** Load a single-ticker CSV or CSV.GZ file. */
export function loadCsv(path: string, options: CsvOptions = {}): Bars {
  return parseBarsCsv(readCsvBytes(path), { ...options, file: options.file ?? path });
}

/** Load a long multi-ticker CSV or CSV.GZ file into one `Bars` per ticker. */
export function loadLongCsv(path: string, options: Omit<CsvOptions, "ticker"> = {}): Map<string, Bars> {
  return parseLongCsv(readCsvBytes(path), { ...options, file: options.file ?? path });
}
