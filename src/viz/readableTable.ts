/**
 * Tables for reading in a notebook: a danfojs DataFrame with its numbers rounded and its columns
 * as wide as their contents.
 *
 * Why rounding: the bundled prices are float32 values from the source (data/SOURCES.md) written
 * with 6 decimals, so 762.60 reads back as 762.599976, and danfojs prints every digit of a
 * number; its `describe()` and other reductions run in tfjs float32 and add the same noise
 * (a variance of 10.437005566872…). Rounding at display keeps the data exact and the page legible.
 * Why widths: danfojs cuts cells at 16 characters and prints 10 rows unless told otherwise.
 *
 * danfojs (with tfjs) takes about a second to load, so it is required here on first use, not
 * when viz loads: the CLI and the report import viz without it.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type { DataFrame } from "danfojs-node";

type Danfo = typeof import("danfojs-node");
type Cell = number | string | boolean | null;

export interface ReadableTableOptions {
  /** Decimals for numbers (default 4); a map sets them per column, `default` for the rest. */
  digits?: number | Record<string, number>;
  /** Rows printed before danfojs elides (default 60). */
  maxRows?: number;
}

let danfo: Danfo | null = null;

function danfojs(): Danfo {
  // From the working directory (no import.meta: notebooks load this module as CommonJS).
  danfo ??= createRequire(join(process.cwd(), "package.json"))("danfojs-node") as Danfo;
  return danfo;
}

function digitsOf(opts: ReadableTableOptions, column: string): number {
  const d = opts.digits;
  if (d === undefined) return 4;
  if (typeof d === "number") return d;
  return d[column] ?? d.default ?? 4;
}

/** `value` rounded to `digits` decimals; integers, NaN and non-numbers as they are. */
export function roundForReading(value: Cell, digits: number): Cell {
  if (typeof value !== "number" || !Number.isFinite(value) || Number.isInteger(value)) return value;
  const scale = 10 ** digits;
  const rounded = Math.round(value * scale) / scale;
  // A small non-zero value is kept to `digits` significant digits rather than shown as 0.
  return rounded === 0 && value !== 0 ? Number(value.toPrecision(digits)) : rounded;
}

function columnsOf(source: Record<string, ArrayLike<Cell>> | DataFrame): {
  index: (string | number)[] | null;
  columns: Record<string, Cell[]>;
} {
  if (typeof (source as DataFrame).column === "function" && Array.isArray((source as DataFrame).columns)) {
    const df = source as DataFrame;
    const columns: Record<string, Cell[]> = {};
    for (const name of df.columns) columns[name] = df.column(name).values as Cell[];
    return { index: df.index as (string | number)[], columns };
  }
  const columns: Record<string, Cell[]> = {};
  for (const [name, values] of Object.entries(source as Record<string, ArrayLike<Cell>>)) {
    columns[name] = Array.from(values);
  }
  return { index: null, columns };
}

/**
 * A DataFrame of `source` (named columns, or a DataFrame such as `describe()`'s) with numbers
 * rounded for reading; `.print()` it. The values are rounded copies: compute on the source.
 */
export function readableTable(
  source: Record<string, ArrayLike<Cell>> | DataFrame,
  opts: ReadableTableOptions = {},
): DataFrame {
  const { index, columns } = columnsOf(source);
  const rounded: Record<string, Cell[]> = {};
  const widths: Record<number, { width: number }> = {
    0: { width: Math.max(3, ...(index ?? []).map((i) => String(i).length)) + 2 },
  };
  Object.entries(columns).forEach(([name, values], i) => {
    const digits = digitsOf(opts, name);
    rounded[name] = values.map((v) => roundForReading(v, digits));
    widths[i + 1] = { width: Math.max(name.length, ...rounded[name].map((v) => String(v).length)) + 2 };
  });
  const { DataFrame: Frame } = danfojs();
  return new Frame(rounded, {
    ...(index ? { index } : {}),
    config: { tableMaxRow: opts.maxRows ?? 60, tableDisplayConfig: { columns: widths } },
  });
}
