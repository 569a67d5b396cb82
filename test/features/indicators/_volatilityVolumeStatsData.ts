/**
 * Real bundled bars and the committed reference values for the volatility, volume,
 * return-statistics, microstructure and cross-asset indicators
 * (scripts/fixtures/indicators_vol_volume_stats.py).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { type Bars, lowerBound, sliceBars } from "../../../src/data";
import { loadBundled } from "../../../src/data/bundled";
import type { OhlcvBar } from "../../../src/features/indicators/indicator";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

export interface VolStatsFixture {
  readonly source: Record<string, string | number>;
  /** `<entry name>.<output>` → values, NaN stored as null. */
  readonly columns: Record<string, (number | null)[]>;
}

export function loadFixture(name: "daily" | "intraday"): VolStatsFixture {
  const path = join(ROOT, "test", "fixtures", "indicators", `vol_volume_stats.${name}.json.gz`);
  return JSON.parse(gunzipSync(readFileSync(path)).toString()) as VolStatsFixture;
}

export const SPY_DAILY = loadBundled("SPY", "1d");
export const QQQ_DAILY = loadBundled("QQQ", "1d");
export const SPY_1M = loadBundled("SPY", "1m");

/** The last `rows` bars of a series. */
export function tail(bars: Bars, rows: number): Bars {
  return sliceBars(bars, bars.ts.length - rows);
}

/** `bars` restricted to the timestamps of `reference` (which must all exist in `bars`). */
export function alignTo(bars: Bars, reference: Bars): Bars {
  const start = lowerBound(bars.ts, reference.ts[0]);
  const out = sliceBars(bars, start, start + reference.ts.length);
  for (let i = 0; i < reference.ts.length; i++) {
    if (out.ts[i] !== reference.ts[i])
      throw new Error(`${bars.ticker} misses ${new Date(reference.ts[i]).toISOString()}`);
  }
  return out;
}

export function barAt(bars: Bars, i: number): OhlcvBar {
  return {
    ts: bars.ts[i],
    open: bars.open[i],
    high: bars.high[i],
    low: bars.low[i],
    close: bars.close[i],
    volume: bars.volume ? bars.volume[i] : Number.NaN,
  };
}

/** docs/architecture.md "equal": |a − b| ≤ 1e-9·max(1, |b|), NaN only where the reference is NaN. */
export function equal(a: number, b: number): boolean {
  if (Number.isNaN(b) || Number.isNaN(a)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** Index of the first disagreement between two series, or -1. */
export function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number | null>): number {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i];
    if (!equal(actual[i], e === null ? Number.NaN : e)) return i;
  }
  return -1;
}

/** Number of leading NaNs. */
export function leadingNaN(values: ArrayLike<number>): number {
  let i = 0;
  while (i < values.length && Number.isNaN(values[i])) i++;
  return i;
}
