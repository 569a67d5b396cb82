/**
 * The library indicators with their default parameters behind one uniform shape, derived from
 * the descriptor table (table.ts): what the benchmark and the TA-Lib / numpy reference-fixture
 * tests iterate over. An entry runs the descriptor's own batch and stream (the wiring the
 * feature registry uses) and keeps the library outputs, under the id the fixtures use.
 */
import type { Bars } from "../../data";
import { type IndicatorDescriptor, type IndicatorFamily, type Params, paramValue } from "./descriptor";
import { IndicatorError, type OhlcvBar } from "./indicator";
import { INDICATOR_TABLE } from "./table";

export interface CatalogEntry {
  /** Stable id with default params, e.g. `rsi_14`, `macd_12_26_9`. */
  readonly name: string;
  readonly family: IndicatorFamily;
  /** Needs a volume column (skipped on series without one, such as VIX). */
  readonly needsVolume: boolean;
  /** Needs a benchmark close series aligned to `bars` (cross-asset indicators). */
  readonly needsBenchmark: boolean;
  /** The descriptor the entry runs. */
  readonly descriptor: IndicatorDescriptor;
  /** Batch over all bars; one named output per column (`{ value }` for single outputs). */
  batch(bars: Bars, benchmarkClose?: Float64Array): Record<string, Float64Array>;
  /** A fresh streaming twin with the same parameters. */
  stream(): { update(bar: OhlcvBar, benchmarkClose?: number): Record<string, number> };
}

/** Every parameter at its default. */
export function defaultParams(d: IndicatorDescriptor): Params {
  return Object.fromEntries(d.params.map((p) => [p.name, paramValue(p, p.default as number | string)]));
}

function pick<T>(row: Record<string, T>, keys: readonly string[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of keys) out[k] = row[k];
  return out;
}

/** The catalog entry of a descriptor with a catalog id. */
export function catalogEntry(d: IndicatorDescriptor): CatalogEntry {
  if (d.catalog === null || d.stream === null) throw new Error(`${d.name} is not a library indicator`);
  const { id, outputs } = d.catalog;
  const stream = d.stream;
  const params = defaultParams(d);
  return {
    name: id,
    family: d.family as IndicatorFamily,
    needsVolume: d.needsVolume,
    needsBenchmark: d.needsBenchmark,
    descriptor: d,
    batch: (bars, benchmarkClose) =>
      pick(d.batch(bars, params, { benchmark: benchmarkClose ?? null, universe: null, proxies: [] }, outputs), outputs),
    stream: () => {
      const core = stream(params, "1d");
      return {
        update: (bar, benchmarkClose) => {
          if (d.needsBenchmark && benchmarkClose === undefined)
            throw new IndicatorError(d.name, "needs the benchmark close of each bar");
          return pick(core.update(bar, benchmarkClose ?? Number.NaN), outputs);
        },
      };
    },
  };
}

export const INDICATOR_CATALOG: readonly CatalogEntry[] = INDICATOR_TABLE.filter((d) => d.catalog !== null).map(
  catalogEntry,
);

const isTrendMomentum = (e: CatalogEntry) => e.family === "trend" || e.family === "momentum";

/** Part A of the library: trend and momentum. */
export const trendMomentumCatalog: readonly CatalogEntry[] = INDICATOR_CATALOG.filter(isTrendMomentum);

/** Part B: volatility, volume, return statistics, microstructure, cross-asset. */
export const volatilityVolumeStatsCatalog: readonly CatalogEntry[] = INDICATOR_CATALOG.filter(
  (e) => !isTrendMomentum(e),
);
