import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkSameLength } from "./indicator";
import type { IndicatorDescriptor } from "./descriptor";
import { single, volumeOf } from "./_shared/describe";

/**
 * On-balance volume as TA-Lib OBV: starts at the first bar's volume, then adds the volume on
 * an up close, subtracts it on a down close, and carries it on an unchanged close. No warm-up.
 * NaN rule (cumulative, so recursive): a bar with a NaN close or volume outputs NaN and
 * restarts the sum, which from the next bar equals OBV computed on the bars after the NaN.
 */
export function obv(close: Float64Array, volume: Float64Array): Float64Array {
  const n = checkSameLength("obv", { close, volume });
  requireBars("obv", n, 0, "no warm-up");
  const out = new Float64Array(n);
  let started = false;
  let prev = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = close[i];
    const v = volume[i];
    if (Number.isNaN(c) || Number.isNaN(v)) {
      started = false;
      out[i] = Number.NaN;
      continue;
    }
    if (!started) {
      started = true;
      total = v;
    } else if (c > prev) {
      total += v;
    } else if (c < prev) {
      total -= v;
    }
    prev = c;
    out[i] = total;
  }
  return out;
}

/** Streaming twin of {@link obv}. */
export class ObvStream implements StreamingIndicator<number> {
  private started = false;
  private prev = 0;
  private total = 0;

  update(bar: OhlcvBar): number {
    const { close: c, volume: v } = bar;
    if (Number.isNaN(c) || Number.isNaN(v)) {
      this.started = false;
      return Number.NaN;
    }
    if (!this.started) {
      this.started = true;
      this.total = v;
    } else if (c > this.prev) {
      this.total += v;
    } else if (c < this.prev) {
      this.total -= v;
    }
    this.prev = c;
    return this.total;
  }
}

export const obvIndicator: IndicatorDescriptor = single({
  name: "obv",
  family: "volume",
  params: [],
  warmUp: () => 0,
  catalogId: "obv",
  needsVolume: true,
  batch: (b) => obv(b.close, volumeOf("obv", b)),
  stream: () => new ObvStream(),
});
