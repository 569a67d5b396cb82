import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
import { RollingMoments } from "./rollingMoments";

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
