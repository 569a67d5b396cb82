/** The uniform shape of a catalog entry (catalog.ts), apart from the lists that use it. */
import type { Bars } from "../../data/bars";
import type { OhlcvBar } from "./indicator";

export type IndicatorFamily =
  | "trend"
  | "momentum"
  | "volatility"
  | "volume"
  | "returns"
  | "microstructure"
  | "cross_asset";

export interface CatalogEntry {
  /** Stable id with default params, e.g. `rsi_14`, `macd_12_26_9`. */
  readonly name: string;
  readonly family: IndicatorFamily;
  /** Needs a volume column (skipped on series without one, such as VIX). */
  readonly needsVolume: boolean;
  /** Needs a benchmark close series aligned to `bars` (cross-asset indicators). */
  readonly needsBenchmark: boolean;
  /** Batch over all bars; one named output per column (`{ value }` for single outputs). */
  batch(bars: Bars, benchmarkClose?: Float64Array): Record<string, Float64Array>;
  /** A fresh streaming twin with the same parameters. */
  stream(): { update(bar: OhlcvBar, benchmarkClose?: number): Record<string, number> };
}
