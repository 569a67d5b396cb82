import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkSameLength } from "./indicator";
import type { IndicatorDescriptor } from "./descriptor";
import { single, volumeOf } from "./_shared/describe";

/**
 * Close location value ((C − L) − (H − C)) / (H − L) in [−1, 1]; 0 on a bar with no range,
 * as TA-Lib does, because such a bar says nothing about buying or selling pressure; NaN when
 * an input is NaN.
 */
export function closeLocation(high: number, low: number, close: number): number {
  const range = high - low;
  if (range > 0) return (close - low - (high - close)) / range;
  return !Number.isNaN(range) && !Number.isNaN(close) ? 0 : Number.NaN;
}

/**
 * Chaikin accumulation/distribution line as TA-Lib AD: the running sum of
 * closeLocation · volume from the first bar (no warm-up).
 * NaN rule (cumulative): a bar with a NaN high/low/close/volume outputs NaN and restarts the
 * sum at zero, so later values equal AD computed on the bars after the NaN alone.
 */
export function accumulationDistribution(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
): Float64Array {
  const n = checkSameLength("accumulationDistribution", { high, low, close, volume });
  requireBars("accumulationDistribution", n, 0, "no warm-up");
  const out = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const c = close[i];
    const v = volume[i];
    if (Number.isNaN(h) || Number.isNaN(l) || Number.isNaN(c) || Number.isNaN(v)) {
      total = 0;
      out[i] = Number.NaN;
      continue;
    }
    total += closeLocation(h, l, c) * v;
    out[i] = total;
  }
  return out;
}

/** Streaming twin of {@link accumulationDistribution}. */
export class AccumulationDistributionStream implements StreamingIndicator<number> {
  private total = 0;

  update(bar: OhlcvBar): number {
    const { high: h, low: l, close: c, volume: v } = bar;
    if (Number.isNaN(h) || Number.isNaN(l) || Number.isNaN(c) || Number.isNaN(v)) {
      this.total = 0;
      return Number.NaN;
    }
    this.total += closeLocation(h, l, c) * v;
    return this.total;
  }
}

export const accumulationDistributionIndicator: IndicatorDescriptor = single({
  name: "ad",
  family: "volume",
  params: [],
  warmUp: () => 0,
  catalogId: "accumulation_distribution",
  needsVolume: true,
  batch: (b) => accumulationDistribution(b.high, b.low, b.close, volumeOf("ad", b)),
  stream: () => new AccumulationDistributionStream(),
});
