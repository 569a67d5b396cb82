import { checkRealParam, requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/** 1 / (4 ln 2): Parkinson's scaling of the squared log range into a variance. */
const SCALE = 1 / (4 * Math.LN2);

/**
 * Parkinson (1980) high-low volatility: √(annualization · mean(ln(H/L)²) / (4 ln 2)) over the
 * last `period` bars. Warm-up: period − 1 NaNs. NaN rule: windows containing a NaN high or
 * low are NaN.
 */
export function parkinsonVolatility(
  high: Float64Array,
  low: Float64Array,
  period = 20,
  annualization = 252,
): Float64Array {
  checkPeriod("parkinsonVolatility", "period", period);
  checkRealParam("parkinsonVolatility", "annualization", annualization, 0, 1e7);
  const n = checkSameLength("parkinsonVolatility", { high, low });
  requireBars("parkinsonVolatility", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const m = new RollingMoments(period);
  const k = annualization * SCALE;
  for (let i = 0; i < n; i++) {
    const r = Math.log(high[i] / low[i]);
    m.push(r * r);
    out[i] = m.ready ? Math.sqrt(k * m.mean()) : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link parkinsonVolatility}. */
export class ParkinsonVolatilityStream implements StreamingIndicator<number> {
  private readonly k: number;
  private readonly m: RollingMoments;

  constructor(period = 20, annualization = 252) {
    checkPeriod("parkinsonVolatility", "period", period);
    checkRealParam("parkinsonVolatility", "annualization", annualization, 0, 1e7);
    this.k = annualization * SCALE;
    this.m = new RollingMoments(period);
  }

  update(bar: OhlcvBar): number {
    const r = Math.log(bar.high / bar.low);
    this.m.push(r * r);
    return this.m.ready ? Math.sqrt(this.k * this.m.mean()) : Number.NaN;
  }
}

export const parkinsonVolatilityIndicator: IndicatorDescriptor = single({
  name: "volatility_parkinson",
  family: "volatility",
  params: period(20),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "volatility_parkinson_20",
  batch: (b, p) => parkinsonVolatility(b.high, b.low, num(p, "period"), 252),
  stream: (p) => new ParkinsonVolatilityStream(num(p, "period"), 252),
});
