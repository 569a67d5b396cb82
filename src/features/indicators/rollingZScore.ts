import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single, volumeOf } from "./_shared/describe";

/**
 * Rolling z-score (x_t − mean) / std over the last `period` values including x_t, std with
 * ddof 1 (pandas `rolling().std()`); NaN on a constant window. Warm-up: period − 1 NaNs
 * (plus the input's own). NaN rule: windows containing a NaN are NaN.
 */
export function rollingZScore(values: Float64Array, period = 20): Float64Array {
  checkPeriod("rollingZScore", "period", period, 2);
  const n = values.length;
  requireBars("rollingZScore", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const m = new RollingMoments(period);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    m.push(x);
    out[i] = m.ready ? zOf(m, x) : Number.NaN;
  }
  return out;
}

function zOf(m: RollingMoments, x: number): number {
  const sd = Math.sqrt(m.variance(1));
  return sd > 0 ? (x - m.mean()) / sd : Number.NaN;
}

/** Streaming twin of {@link rollingZScore}: `update` takes the close, `next` any series. */
export class RollingZScoreStream implements StreamingIndicator<number> {
  private readonly m: RollingMoments;

  constructor(period = 20) {
    checkPeriod("rollingZScore", "period", period, 2);
    this.m = new RollingMoments(period);
  }

  update(bar: OhlcvBar): number {
    return this.next(bar.close);
  }

  next(x: number): number {
    this.m.push(x);
    return this.m.ready ? zOf(this.m, x) : Number.NaN;
  }
}

/** The z-score of the volume, as a stream. */
class VolumeZScoreStream {
  private readonly inner: RollingZScoreStream;
  constructor(period: number) {
    this.inner = new RollingZScoreStream(period);
  }
  update(bar: OhlcvBar): number {
    return this.inner.next(bar.volume);
  }
}

export const volumeZScoreIndicator: IndicatorDescriptor = single({
  name: "volume_zscore",
  family: "volume",
  params: period(20, 2),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "volume_zscore_20",
  needsVolume: true,
  batch: (b, p) => rollingZScore(volumeOf("volume_zscore", b), num(p, "period")),
  stream: (p) => new VolumeZScoreStream(num(p, "period")),
});

export const closeZScoreIndicator: IndicatorDescriptor = single({
  name: "close_zscore",
  family: "returns",
  params: period(20, 2),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "zscore_20",
  batch: (b, p) => rollingZScore(b.close, num(p, "period")),
  stream: (p) => new RollingZScoreStream(num(p, "period")),
});
