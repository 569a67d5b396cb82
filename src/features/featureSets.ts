/**
 * The preset feature sets. `default` (100+ columns on daily bars with VIX and a benchmark):
 * trend, momentum, volatility, volume, return statistics, microstructure, calendar, cross-asset
 * and breadth. Price levels enter as distances from the close and cumulative volume lines as
 * rolling z-scores, so columns are comparable across decades of prices. Entries needing what the
 * input may lack (volume, intraday bars, a context series, a universe) are optional: skipped and
 * reported when it is missing. The Hurst exponent is left out (it alone costs as much as
 * twenty other columns on the million-bar series); name it in `extra` to add it. `confluence`: the trade-log features (VWAP distance and 1/2-sigma
 * bands, ADX, +DI, −DI, hour, day of week, session segment and hours; the intraday ones are
 * skipped on daily bars).
 */
import type { FeatureSetName } from "./featuresConfig";
import type { PresetEntry } from "./featurePlan";

export interface PresetContext {
  benchmark: string;
  vix: string;
}

type Entry = Omit<PresetEntry, "params" | "transforms" | "raw"> & {
  params?: PresetEntry["params"];
  transforms?: string[];
  raw?: boolean;
};

function e(entry: Entry): PresetEntry {
  return { params: {}, transforms: [], raw: true, ...entry };
}

function periods(indicator: string, values: number[], extra: Partial<Entry> = {}): PresetEntry[] {
  return values.map((period) => e({ indicator, params: { period }, ...extra }));
}

function defaultSet({ benchmark, vix }: PresetContext): PresetEntry[] {
  const distance = { outputs: ["distance"] };
  const optional = { optional: true };
  return [
    // trend
    ...periods("sma", [10, 20, 50, 100, 200], distance),
    ...periods("ema", [12, 26, 50], distance),
    e({ indicator: "wma", ...distance }),
    e({ indicator: "dema", ...distance }),
    e({ indicator: "tema", ...distance }),
    e({ indicator: "kama", ...distance }),
    e({ indicator: "hma", ...distance }),
    e({ indicator: "psar", ...distance }),
    e({ indicator: "macd" }),
    e({ indicator: "adx" }),
    e({ indicator: "aroon" }),
    e({ indicator: "linreg_slope" }),
    // momentum
    ...periods("rsi", [7, 14, 28]),
    e({ indicator: "stoch" }),
    e({ indicator: "stochrsi" }),
    e({ indicator: "willr" }),
    e({ indicator: "cci" }),
    ...periods("roc", [5, 10, 20]),
    e({ indicator: "tsi" }),
    e({ indicator: "ultosc" }),
    e({ indicator: "mfi", ...optional }),
    // volatility
    e({ indicator: "natr" }),
    e({ indicator: "bollinger", outputs: ["width", "percent_b"] }),
    e({ indicator: "keltner", outputs: ["position"] }),
    ...periods("donchian", [20, 55], { outputs: ["position"] }),
    ...periods("volatility_cc", [10, 20, 60]),
    e({ indicator: "volatility_parkinson" }),
    e({ indicator: "volatility_gk" }),
    e({ indicator: "volatility_yz" }),
    // volume
    e({ indicator: "obv", raw: false, transforms: ["zscore(20)"], ...optional }),
    e({ indicator: "ad", raw: false, transforms: ["zscore(20)"], ...optional }),
    e({ indicator: "cmf", ...optional }),
    e({ indicator: "volume_zscore", ...optional }),
    e({ indicator: "relative_volume", ...optional }),
    e({ indicator: "vwap", outputs: ["distance_pct", "distance_sigma"], ...optional }),
    e({ indicator: "vwap_rolling", outputs: ["distance_pct", "distance_sigma"], ...optional }),
    // return statistics
    e({ indicator: "ret", params: { period: 1 }, transforms: ["lag(1)", "lag(2)", "lag(3)", "lag(5)", "zscore(20)"] }),
    ...periods("ret", [2, 3, 5, 10, 20, 60, 120, 252]),
    ...periods("close_zscore", [20, 50, 100]),
    ...periods("skew", [20, 60]),
    e({ indicator: "kurtosis" }),
    e({ indicator: "autocorrelation", params: { period: 60, lag: 1 } }),
    e({ indicator: "autocorrelation", params: { period: 60, lag: 5 } }),
    e({ indicator: "percentile_rank", params: { period: 252 } }),
    // microstructure
    e({ indicator: "corwin_schultz" }),
    e({ indicator: "roll_spread" }),
    e({ indicator: "range_compression" }),
    e({ indicator: "pre_breakout", ...optional }),
    e({ indicator: "bar_shape" }),
    // calendar
    e({ indicator: "calendar" }),
    e({ indicator: "clock", ...optional }),
    // cross-asset
    e({ indicator: "close", context: vix, transforms: ["diff(1)", "pct_change(5)", "zscore(20)"], ...optional }),
    e({ indicator: "percentile_rank", params: { period: 252 }, context: vix, ...optional }),
    e({ indicator: "beta", params: { benchmark, period: 60 }, ...optional }),
    e({ indicator: "correlation", params: { benchmark, period: 20 }, ...optional }),
    e({ indicator: "correlation", params: { benchmark, period: 60 }, ...optional }),
    e({ indicator: "relative_strength", params: { benchmark, period: 20 }, ...optional }),
    // breadth (universe, or the proxy ETFs among the context series)
    e({ indicator: "breadth", ...optional }),
  ];
}

function confluenceSet(): PresetEntry[] {
  return [
    e({
      indicator: "vwap",
      outputs: ["vwap", "distance_pct", "distance_sigma", "upper1", "lower1", "upper2", "lower2"],
      optional: true,
    }),
    e({ indicator: "adx" }),
    e({ indicator: "clock", outputs: ["hour", "session_segment", "session_hours"], optional: true }),
    e({ indicator: "calendar", outputs: ["day_of_week"] }),
  ];
}

export function presetEntries(name: FeatureSetName, context: PresetContext): PresetEntry[] {
  return name === "default" ? defaultSet(context) : confluenceSet();
}
