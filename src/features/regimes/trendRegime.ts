/**
 * Trend / range / volatile per bar: volatile when ATR/close sits at or above its
 * `volatilePercentile` (rolling percentile rank), else trend when ADX ≥ `trendAdx`, else range.
 * Volatility is checked first because a violent sell-off also has a high ADX, and it is the
 * volatility that a position has to survive.
 */
import type { Bars } from "../../data";
import { AdxStream, adx } from "../indicators/adx";
import type { OhlcvBar } from "../indicators/indicator";
import { NatrStream, natr } from "../indicators/natr";
import { PercentileRankStream, percentileRank } from "../indicators/percentileRank";
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
  for (let i = 0; i < n; i++) ids[i] = regimeIdOf(adxCol[i], pct[i], c);
  return { scheme: "regime_trend", ts: bars.ts, ids, names: TREND_REGIMES, adx: adxCol, atrPercentile: pct };
}

/** Index into TREND_REGIMES of one bar's ADX and ATR/close percentile; −1 while either is undefined. */
function regimeIdOf(adxValue: number, percentile: number, c: TrendRegimeConfig): number {
  if (Number.isNaN(adxValue) || Number.isNaN(percentile)) return -1;
  if (percentile >= c.volatilePercentile) return 2;
  return adxValue >= c.trendAdx ? 0 : 1;
}

/**
 * The streaming twin of {@link trendRegime} for a feed that sees one bar at a time (the forecast
 * service): `update(bar)` gives the id `trendRegime` gives at that bar over the bars fed so far.
 * It is built from the indicators' own streaming twins, each equal to its batch function; the
 * batch's short-history rule (all −1 below a warm-up) needs no code here, because a stream's
 * indicators are still NaN on exactly those bars.
 */
export class TrendRegimeStream {
  readonly names = TREND_REGIMES;
  private readonly config: TrendRegimeConfig;
  private readonly adx: AdxStream;
  private readonly natr: NatrStream;
  private readonly percentile: PercentileRankStream;

  constructor(config: Partial<TrendRegimeConfig> = {}) {
    this.config = trendRegimeConfigSchema.parse(config);
    this.adx = new AdxStream(this.config.adxPeriod);
    this.natr = new NatrStream(this.config.atrPeriod);
    this.percentile = new PercentileRankStream(this.config.percentileWindow);
  }

  /** Feeds the next bar; returns its regime id (index into TREND_REGIMES), −1 while undefined. */
  update(bar: OhlcvBar): number {
    const a = this.adx.update(bar).adx;
    const p = this.percentile.next(this.natr.update(bar));
    return regimeIdOf(a, p, this.config);
  }
}
