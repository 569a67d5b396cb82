/**
 * Every indicator with its default parameters behind one uniform shape, so that the
 * batch-equals-streaming test, the reference-fixture test, the benchmark and the feature
 * sets can iterate over all of them. Each family group keeps its own list.
 */
import { trendMomentumCatalog } from "./catalog/trendMomentum";
import { volatilityVolumeStatsCatalog } from "./catalog/volatilityVolumeStats";
import type { CatalogEntry } from "./catalogEntry";

export type { CatalogEntry, IndicatorFamily } from "./catalogEntry";

export const INDICATOR_CATALOG: readonly CatalogEntry[] = [...trendMomentumCatalog, ...volatilityVolumeStatsCatalog];
