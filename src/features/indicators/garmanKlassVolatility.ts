import { checkRealParam, requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

const CO_WEIGHT = 2 * Math.LN2 - 1;

/** Garman–Klass per-bar variance term: ½ ln(H/L)² − (2 ln 2 − 1) ln(C/O)². */
function term(open: number, high: number, low: number, close: number): number {
  const hl = Math.log(high / low);
  const co = Math.log(close / open);
  return 0.5 * hl * hl - CO_WEIGHT * co * co;
}

/**
 * Garman–Klass (1980) OHLC volatility: √(annualization · mean(term)) over the last `period`
 * bars, term = ½ ln(H/L)² − (2 ln 2 − 1) ln(C/O)². The mean can dip below zero on windows
 * of bars that close far from the open inside a narrow range; it is floored at 0 (volatility 0)
 * rather than reported as NaN. Warm-up: period − 1 NaNs. NaN rule: windows containing a NaN
 * open/high/low/close are NaN.
 */
export function garmanKlassVolatility(
  open: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 20,
  annualization = 252,
): Float64Array {
  checkPeriod("garmanKlassVolatility", "period", period);
  checkRealParam("garmanKlassVolatility", "annualization", annualization, 0, 1e7);
  const n = checkSameLength("garmanKlassVolatility", { open, high, low, close });
  requireBars("garmanKlassVolatility", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const m = new RollingMoments(period);
  for (let i = 0; i < n; i++) {
    m.push(term(open[i], high[i], low[i], close[i]));
    out[i] = m.ready ? Math.sqrt(annualization * Math.max(0, m.mean())) : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link garmanKlassVolatility}. */
export class GarmanKlassVolatilityStream implements StreamingIndicator<number> {
  private readonly annualization: number;
  private readonly m: RollingMoments;

  constructor(period = 20, annualization = 252) {
    checkPeriod("garmanKlassVolatility", "period", period);
    checkRealParam("garmanKlassVolatility", "annualization", annualization, 0, 1e7);
    this.annualization = annualization;
    this.m = new RollingMoments(period);
  }

  update(bar: OhlcvBar): number {
    this.m.push(term(bar.open, bar.high, bar.low, bar.close));
    return this.m.ready ? Math.sqrt(this.annualization * Math.max(0, this.m.mean())) : Number.NaN;
  }
}

export const garmanKlassVolatilityIndicator: IndicatorDescriptor = single({
  name: "volatility_gk",
  family: "volatility",
  params: period(20),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "volatility_garman_klass_20",
  batch: (b, p) => garmanKlassVolatility(b.open, b.high, b.low, b.close, num(p, "period"), 252),
  stream: (p) => new GarmanKlassVolatilityStream(num(p, "period"), 252),
});
