/**
 * Trend / range / volatile per bar: volatile when ATR/close sits at or above its
 * `volatilePercentile` (rolling percentile rank), else trend when ADX ≥ `trendAdx`, else range.
 * Volatility is checked first because a violent sell-off also has a high ADX, and it is the
 * volatility that a position has to survive.
 */
import type { Bars } from "../../data";
import { adx } from "../indicators/adx";
import { natr } from "../indicators/natr";
import { percentileRank } from "../indicators/percentileRank";
import { type TrendRegimeConfig, trendRegimeConfigSchema } from "./regimeConfig";
import type { RegimeLabels } from "./regimeLabels";

export const TREND_REGIMES = ["trend", "range", "volatile"] as const;

export interface TrendRegime extends RegimeLabels {
  adx: Float64Array;
  /** Percentile rank (0, 1] of ATR/close over `percentileWindow` bars. */
  atrPercentile: Float64Array;
}

function nanColumn(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}

export function trendRegime(bars: Bars, config: Partial<TrendRegimeConfig> = {}): TrendRegime {
  const c = trendRegimeConfigSchema.parse(config);
  const n = bars.ts.length;
  const { high, low, close } = bars;
  // Too short for a warm-up: every bar undefined rather than an indicator's error, so a
  // truncated history still yields labels (all −1).
  const adxCol = n > 2 * c.adxPeriod - 1 ? adx(high, low, close, c.adxPeriod).adx : nanColumn(n);
  const pct =
    n >= c.atrPeriod + c.percentileWindow
      ? percentileRank(natr(high, low, close, c.atrPeriod), c.percentileWindow)
      : nanColumn(n);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = adxCol[i];
    const p = pct[i];
    if (Number.isNaN(a) || Number.isNaN(p)) ids[i] = -1;
    else if (p >= c.volatilePercentile) ids[i] = 2;
    else if (a >= c.trendAdx) ids[i] = 0;
    else ids[i] = 1;
  }
  return { scheme: "regime_trend", ts: bars.ts, ids, names: TREND_REGIMES, adx: adxCol, atrPercentile: pct };
}
