import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/**
 * Range compression: the bar's range H − L over the mean range of the last `period` bars
 * (current included). Below 1 the market is quieter than usual; a run of low values is the
 * "coil" before a breakout. NaN when the window's mean range is 0. Warm-up: period − 1 NaNs.
 * NaN rule: windows containing a NaN high or low are NaN.
 */
export function rangeCompression(high: Float64Array, low: Float64Array, period = 20): Float64Array {
  checkPeriod("rangeCompression", "period", period);
  const n = checkSameLength("rangeCompression", { high, low });
  requireBars("rangeCompression", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const m = new RollingMoments(period);
  for (let i = 0; i < n; i++) {
    const r = high[i] - low[i];
    m.push(r);
    out[i] = m.ready ? ratio(r, m.mean()) : Number.NaN;
  }
  return out;
}

function ratio(range: number, mean: number): number {
  return mean > 0 ? range / mean : Number.NaN;
}

/** Streaming twin of {@link rangeCompression}. */
export class RangeCompressionStream implements StreamingIndicator<number> {
  private readonly m: RollingMoments;

  constructor(period = 20) {
    checkPeriod("rangeCompression", "period", period);
    this.m = new RollingMoments(period);
  }

  update(bar: OhlcvBar): number {
    const r = bar.high - bar.low;
    this.m.push(r);
    return this.m.ready ? ratio(r, this.m.mean()) : Number.NaN;
  }
}

export const rangeCompressionIndicator: IndicatorDescriptor = single({
  name: "range_compression",
  family: "microstructure",
  params: period(20),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "range_compression_20",
  batch: (b, p) => rangeCompression(b.high, b.low, num(p, "period")),
  stream: (p) => new RangeCompressionStream(num(p, "period")),
});
