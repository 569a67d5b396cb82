/**
 * Parquet → `Bars` through hyparquet (pure JS, no native build). Same column names and rules
 * as the CSV loader: `date` (Parquet DATE, or TIMESTAMP at 00:00) or `timestamp` (a UTC-adjusted
 * TIMESTAMP, i.e. tz-aware in pandas), open/high/low/close, optional volume and adj_close, and
 * a `ticker` column for the long format; pandas index columns are ignored. Errors name the
 * file, the data row (in the `line` field) and the column. Async because hyparquet is.
 */
import { type ColumnData, type FileMetaData, parquetMetadata, parquetRead, parquetSchema } from "hyparquet";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Bars, Timeframe } from "./bars";
import { DataFormatError } from "./dataFormatError";
import { DAY_MS } from "./newYorkTime";

export interface ParquetOptions {
  ticker?: string;
  /** Default "1d" for `date` files; for `timestamp` files from a `_1m`-style name suffix or the smallest spacing. */
  timeframe?: Timeframe;
  /** Reject unsorted rows and duplicate timestamps (default true). */
  checkOrder?: boolean;
}

const KNOWN = ["ticker", "date", "timestamp", "open", "high", "low", "close", "volume", "adj_close"];
const NUMERIC = ["open", "high", "low", "close", "volume", "adj_close"];

interface Table {
  n: number;
  names: string[];
  numbers: Map<string, Float64Array>;
  tickers: string[] | null;
  timeName: "date" | "timestamp";
}

async function readTable(path: string, long: boolean): Promise<Table> {
  // The whole file as one ArrayBuffer (hyparquet's AsyncBuffer): bar files fit in memory, and
  // hyparquet's own file reader is exported only under the ESM "node" condition, which
  // CommonJS consumers (notebooks through tslab) do not see.
  let file: ArrayBuffer;
  let metadata: FileMetaData;
  try {
    const bytes = readFileSync(path);
    file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    metadata = parquetMetadata(file);
  } catch (e) {
    throw new DataFormatError(path, null, null, null, `cannot read Parquet file: ${(e as Error).message}`);
  }
  const schema = parquetSchema(metadata);
  const names = schema.children.map((c) => c.element.name).filter((name) => !name.startsWith("__index_level_"));
  const expected = `${long ? "ticker, " : ""}date|timestamp, open, high, low, close[, volume][, adj_close]`;
  names.forEach((name, i) => {
    if (!KNOWN.includes(name) || (name === "ticker" && !long)) {
      throw new DataFormatError(path, null, i + 1, name, `unknown column; expected columns ${expected}`);
    }
  });
  for (const r of [...(long ? ["ticker"] : []), "open", "high", "low", "close"]) {
    if (!names.includes(r))
      throw new DataFormatError(path, null, null, r, `missing column; expected columns ${expected}`);
  }
  if (names.includes("date") === names.includes("timestamp")) {
    throw new DataFormatError(path, null, null, "date", `need exactly one of "date" and "timestamp"`);
  }
  const timeName = names.includes("date") ? "date" : "timestamp";
  const timeElement = schema.children.find((c) => c.element.name === timeName)!.element;
  const logical = timeElement.logical_type;
  const isDate = logical?.type === "DATE" || timeElement.converted_type === "DATE";
  const isTimestamp = logical?.type === "TIMESTAMP" || timeElement.converted_type?.startsWith("TIMESTAMP");
  if (!isDate && !isTimestamp) {
    throw new DataFormatError(
      path,
      null,
      names.indexOf(timeName) + 1,
      timeName,
      "must be a Parquet DATE or TIMESTAMP column",
    );
  }
  if (timeName === "timestamp" && !(logical?.type === "TIMESTAMP" && logical.isAdjustedToUTC)) {
    throw new DataFormatError(
      path,
      null,
      names.indexOf(timeName) + 1,
      timeName,
      "must be a UTC-adjusted TIMESTAMP (tz-aware in pandas); a naive local time is ambiguous",
    );
  }
  const n = Number(metadata.num_rows);
  const numbers = new Map<string, Float64Array>();
  for (const name of [...NUMERIC, timeName]) if (names.includes(name)) numbers.set(name, new Float64Array(n));
  const tickers = long ? new Array<string>(n) : null;
  const onChunk = (chunk: ColumnData) => {
    const { columnName, columnData, rowStart, rowEnd } = chunk;
    if (columnName === "ticker" && tickers) {
      for (let i = rowStart; i < rowEnd; i++) tickers[i] = String(columnData[i - rowStart]);
      return;
    }
    const dst = numbers.get(columnName);
    if (!dst) return;
    for (let i = rowStart; i < rowEnd; i++) {
      const x = columnData[i - rowStart];
      dst[i] = x === null || x === undefined ? Number.NaN : Number(x);
    }
  };
  await parquetRead({
    file,
    metadata,
    columns: names,
    onChunk,
    parsers: {
      timestampFromMilliseconds: (ms: bigint) => Number(ms),
      timestampFromMicroseconds: (us: bigint) => Number(us / 1000n),
      timestampFromNanoseconds: (ns: bigint) => Number(ns / 1_000_000n),
      dateFromDays: (days: number) => days * DAY_MS,
    },
  });
  const times = numbers.get(timeName)!;
  if (timeName === "date") {
    for (let i = 0; i < n; i++) {
      if (times[i] % DAY_MS !== 0) {
        throw new DataFormatError(
          path,
          i + 1,
          names.indexOf("date") + 1,
          "date",
          "a date must be at 00:00 (no time of day)",
        );
      }
    }
  }
  return { n, names, numbers, tickers, timeName };
}

function checkOrder(path: string, t: Table, ts: Float64Array, from: number, to: number, ticker: string): void {
  const col = t.names.indexOf(t.timeName) + 1;
  for (let i = from + 1; i < to; i++) {
    if (ts[i] === ts[i - 1]) {
      throw new DataFormatError(
        path,
        i + 1,
        col,
        t.timeName,
        `duplicate timestamp for ${ticker} (same as the previous row)`,
      );
    }
    if (ts[i] < ts[i - 1]) {
      throw new DataFormatError(path, i + 1, col, t.timeName, `rows of ${ticker} not sorted by time`);
    }
  }
}

function timeframeOf(path: string, t: Table, ts: Float64Array, options: ParquetOptions): Timeframe {
  if (options.timeframe) return options.timeframe;
  if (t.timeName === "date") return "1d";
  const m = /_(1m|5m|15m|1h)\.parquet$/.exec(path);
  if (m) return m[1] as Timeframe;
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < Math.min(ts.length, 5000); i++) if (ts[i] > ts[i - 1]) gap = Math.min(gap, ts[i] - ts[i - 1]);
  const byGap: Record<number, Timeframe> = { 60000: "1m", 300000: "5m", 900000: "15m", 3600000: "1h" };
  const tf = byGap[gap];
  if (!tf) throw new DataFormatError(path, null, null, "timestamp", "cannot infer the timeframe; pass { timeframe }");
  return tf;
}

function barsOf(t: Table, ticker: string, timeframe: Timeframe, from: number, to: number): Bars {
  const col = (name: string) => t.numbers.get(name)?.subarray(from, to) ?? null;
  return {
    ticker,
    timeframe,
    ts: col(t.timeName)!,
    open: col("open")!,
    high: col("high")!,
    low: col("low")!,
    close: col("close")!,
    volume: col("volume"),
    adjClose: col("adj_close"),
  };
}

/** Load a single-ticker Parquet file. */
export async function loadParquet(path: string, options: ParquetOptions = {}): Promise<Bars> {
  const t = await readTable(path, false);
  const ts = t.numbers.get(t.timeName)!;
  const ticker =
    options.ticker ??
    basename(path)
      .replace(/\.parquet$/i, "")
      .split("_")[0];
  if (options.checkOrder ?? true) checkOrder(path, t, ts, 0, t.n, ticker);
  return barsOf(t, ticker, timeframeOf(path, t, ts, options), 0, t.n);
}

/** Load a long multi-ticker Parquet file (grouped by ticker) into one `Bars` per ticker. */
export async function loadLongParquet(
  path: string,
  options: Omit<ParquetOptions, "ticker"> = {},
): Promise<Map<string, Bars>> {
  const t = await readTable(path, true);
  const ts = t.numbers.get(t.timeName)!;
  const timeframe = timeframeOf(path, t, ts, options);
  const out = new Map<string, Bars>();
  const tickers = t.tickers!;
  let start = 0;
  for (let i = 1; i <= t.n; i++) {
    if (i < t.n && tickers[i] === tickers[start]) continue;
    const ticker = tickers[start];
    if (out.has(ticker)) {
      throw new DataFormatError(
        path,
        start + 1,
        t.names.indexOf("ticker") + 1,
        "ticker",
        `rows of ticker ${ticker} are not contiguous`,
      );
    }
    if (options.checkOrder ?? true) checkOrder(path, t, ts, start, i, ticker);
    out.set(ticker, barsOf(t, ticker, timeframe, start, i));
    start = i;
  }
  return out;
}
