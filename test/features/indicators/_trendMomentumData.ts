/**
 * Real bundled bars and the committed TA-Lib / numpy reference values for the trend and
 * momentum indicators (scripts/fixtures/indicators_trend_momentum.py).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { type Bars, loadCsv, sliceBars } from "../../../src/data";
import type { OhlcvBar } from "../../../src/features/indicators/indicator";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

export interface TrendMomentumFixture {
  readonly source: string;
  readonly rows: { readonly start: number; readonly end: number };
  readonly indicators: Record<string, Record<string, (number | null)[]>>;
}

export interface Dataset {
  readonly name: "daily" | "intraday";
  /** The fixture's rows of the bundled file. */
  readonly bars: Bars;
  readonly fixture: TrendMomentumFixture;
}

function load(name: Dataset["name"]): Dataset {
  const fixture = JSON.parse(
    gunzipSync(readFileSync(join(ROOT, "test", "fixtures", "indicators", `trend_momentum.${name}.json.gz`))).toString(),
  ) as TrendMomentumFixture;
  const all = loadCsv(join(ROOT, fixture.source), {
    ticker: "SPY",
    timeframe: name === "daily" ? "1d" : "1m",
  });
  return { name, bars: sliceBars(all, fixture.rows.start, fixture.rows.end), fixture };
}

export const DATASETS: readonly Dataset[] = [load("daily"), load("intraday")];

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

/** Fresh copies of the columns (so a test can poison one without touching the shared bars). */
export function copyBars(bars: Bars): Bars {
  return {
    ...bars,
    ts: bars.ts.slice(),
    open: bars.open.slice(),
    high: bars.high.slice(),
    low: bars.low.slice(),
    close: bars.close.slice(),
    volume: bars.volume ? bars.volume.slice() : null,
    adjClose: bars.adjClose ? bars.adjClose.slice() : null,
  };
}

/** docs/architecture.md tolerance; NaN only equals NaN. */
export function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** Index of the first mismatch between two series (-1 if none), for readable failures. */
export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number | null>, from = 0, to = a.length): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = from; i < to; i++) {
    const bi = b[i];
    if (!close(a[i], bi === null ? Number.NaN : bi)) return i;
  }
  return -1;
}

export function firstValid(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i])) return i;
  return -1;
}
