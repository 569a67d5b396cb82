/**
 * The regime schemes `features.regimes` can add and the columns each makes. A leaf, so the
 * config schema and the exclusion check can name them without computing anything.
 *
 * - `trend3`: trend / range / volatile (regimes/trendRegime.ts). `regime_trend` is the id (0, 1,
 *   2), which trees split on; the three 0/1 columns are the one-hot a linear model needs, the ids
 *   being categories, not an order.
 * - `grid12`: the 12-regime VIX × breadth × ATR grid (regimes/gridRegime.ts). `regime_grid` is
 *   the id (4·vix + 2·breadth + atr); its three factors are columns of their own (the VIX
 *   tercile 0/1/2, breadth above 0/1, ATR/close above its median 0/1), which a linear model reads
 *   as well as twelve one-hot columns would, with no cell of a few rows.
 */
import { TREND_REGIMES } from "./regimes/trendRegime";

export const REGIME_FEATURES = ["trend3", "grid12"] as const;
export type RegimeFeature = (typeof REGIME_FEATURES)[number];

/** The family (feature group) of every regime column. */
export const REGIME_FAMILY = "regime";

export const REGIME_COLUMNS: Readonly<Record<RegimeFeature, readonly string[]>> = {
  trend3: ["regime_trend", ...TREND_REGIMES.map((r) => `regime_trend_${r}`)],
  grid12: ["regime_grid", "regime_grid_vix_tercile", "regime_grid_breadth_above", "regime_grid_atr_above"],
};
