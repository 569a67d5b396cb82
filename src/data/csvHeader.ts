/** The header line of a bars CSV: which known column sits where, and which optional ones exist. */
import { DataFormatError } from "./dataFormatError";

export const COLUMN_NAMES = [
  "ticker",
  "date",
  "timestamp",
  "open",
  "high",
  "low",
  "close",
  "volume",
  "adj_close",
] as const;
type ColumnName = (typeof COLUMN_NAMES)[number];
export const K_TICKER = 0;
export const K_DATE = 1;
export const K_TIMESTAMP = 2;
export const K_OPEN = 3;
export const K_VOLUME = 7;
export const K_ADJ = 8;

export interface Header {
  kinds: Int32Array;
  names: string[];
  hasVolume: boolean;
  hasAdj: boolean;
  hasTicker: boolean;
  timeKind: number;
  bodyStart: number;
}

export function parseHeader(buf: Uint8Array, file: string, long: boolean): Header {
  let end = buf.indexOf(10);
  if (end < 0) end = buf.length;
  let text = Buffer.from(buf.buffer, buf.byteOffset, end).toString("latin1");
  if (text.endsWith("\r")) text = text.slice(0, -1);
  if (text.charCodeAt(0) === 0xef)
    text = Buffer.from(text, "latin1")
      .toString("utf8")
      .replace(/^\uFEFF/, "");
  const expected = `${long ? "ticker," : ""}date|timestamp,open,high,low,close[,volume][,adj_close]`;
  if (buf.length === 0)
    throw new DataFormatError(file, null, null, null, `the file is empty; expected header ${expected}`);
  const names = text.split(",").map((s) => s.trim());
  const kinds = new Int32Array(names.length);
  const seen = new Set<string>();
  for (let c = 0; c < names.length; c++) {
    const k = COLUMN_NAMES.indexOf(names[c] as ColumnName);
    if (k < 0 || (k === K_TICKER && !long)) {
      throw new DataFormatError(file, 1, c + 1, names[c], `unknown column; expected header ${expected}`);
    }
    if (seen.has(names[c])) throw new DataFormatError(file, 1, c + 1, names[c], "column appears twice");
    seen.add(names[c]);
    kinds[c] = k;
  }
  const required = [long ? "ticker" : null, "open", "high", "low", "close"].filter((x): x is string => x !== null);
  for (const r of required) {
    if (!seen.has(r)) throw new DataFormatError(file, 1, null, r, `missing column; expected header ${expected}`);
  }
  const hasDate = seen.has("date");
  const hasTs = seen.has("timestamp");
  if (hasDate === hasTs) {
    throw new DataFormatError(
      file,
      1,
      null,
      hasDate ? "timestamp" : "date",
      `need exactly one of "date" and "timestamp"; expected header ${expected}`,
    );
  }
  return {
    kinds,
    names,
    hasVolume: seen.has("volume"),
    hasAdj: seen.has("adj_close"),
    hasTicker: seen.has("ticker"),
    timeKind: hasDate ? K_DATE : K_TIMESTAMP,
    bodyStart: Math.min(end + 1, buf.length),
  };
}
