import { requireBars } from "./_shared/requireBars";
import { IndicatorError, type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";

/**
 * Rescaled-range (R/S) Hurst exponent of the last `period` values (meant for returns), without
 * the Anis–Lloyd small-sample correction. Chunk sizes are minChunk, 2·minChunk, … ≤ period;
 * at each size the window's most recent values are cut into as many whole chunks as fit
 * (older leftovers are unused); per chunk R = max − min of the cumulative deviations from the
 * chunk mean, S = its population standard deviation; R/S is averaged over the chunks with
 * S > 0; H is the least-squares slope of ln(R/S) on ln(size) (NaN with fewer than two usable
 * sizes). ≈0.5 for a random walk's returns, >0.5 trending, <0.5 mean-reverting (R/S is biased
 * upwards on short windows). Warm-up: period − 1 NaNs (plus the input's own).
 * NaN rule: windows containing a NaN are NaN.
 */
export function hurstExponent(values: Float64Array, period = 128, minChunk = 8): Float64Array {
  checkParams(period, minChunk);
  const n = values.length;
  requireBars("hurstExponent", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  let lastNaN = -1;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i])) lastNaN = i;
    out[i] =
      i + 1 >= period && i - lastNaN >= period
        ? rescaledRangeSlope(values, i + 1 - period, period, minChunk)
        : Number.NaN;
  }
  return out;
}

function checkParams(period: number, minChunk: number): void {
  checkPeriod("hurstExponent", "minChunk", minChunk, 4, 50_000);
  checkPeriod("hurstExponent", "period", period, 2 * minChunk, 100_000);
  if (period < 2 * minChunk) {
    throw new IndicatorError(
      "hurstExponent",
      `parameter period must be >= 2·minChunk = ${2 * minChunk}, got ${period}`,
    );
  }
}

/** H of x[start .. start+period) (no NaN inside). */
function rescaledRangeSlope(x: Float64Array, start: number, period: number, minChunk: number): number {
  const end = start + period;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let points = 0;
  for (let size = minChunk; size <= period; size *= 2) {
    const chunks = Math.floor(period / size);
    let rsSum = 0;
    let used = 0;
    for (let c = 0; c < chunks; c++) {
      const from = end - (c + 1) * size;
      let mean = 0;
      for (let j = from; j < from + size; j++) mean += x[j];
      mean /= size;
      let cum = 0;
      let hi = 0;
      let lo = 0;
      let ss = 0;
      for (let j = from; j < from + size; j++) {
        const d = x[j] - mean;
        cum += d;
        if (cum > hi) hi = cum;
        if (cum < lo) lo = cum;
        ss += d * d;
      }
      const s = Math.sqrt(ss / size);
      if (s > 0) {
        rsSum += (hi - lo) / s;
        used++;
      }
    }
    if (used > 0 && rsSum > 0) {
      const lx = Math.log(size);
      const ly = Math.log(rsSum / used);
      sx += lx;
      sy += ly;
      sxx += lx * lx;
      sxy += lx * ly;
      points++;
    }
  }
  if (points < 2) return Number.NaN;
  return (points * sxy - sx * sy) / (points * sxx - sx * sx);
}

/** Streaming twin of {@link hurstExponent}: `update` takes the close, `next` any series. */
export class HurstExponentStream implements StreamingIndicator<number> {
  private readonly period: number;
  private readonly minChunk: number;
  private readonly ring: Float64Array;
  /** The window in time order, rebuilt from the ring for each evaluation. */
  private readonly window: Float64Array;
  private head = 0;
  private seen = 0;
  private sinceNaN = Number.POSITIVE_INFINITY;

  constructor(period = 128, minChunk = 8) {
    checkParams(period, minChunk);
    this.period = period;
    this.minChunk = minChunk;
    this.ring = new Float64Array(period);
    this.window = new Float64Array(period);
  }

  update(bar: OhlcvBar): number {
    return this.next(bar.close);
  }

  next(x: number): number {
    const p = this.period;
    this.ring[this.head] = x;
    this.head = this.head + 1 === p ? 0 : this.head + 1;
    this.seen++;
    this.sinceNaN = Number.isNaN(x) ? 0 : this.sinceNaN + 1;
    if (this.seen < p || this.sinceNaN < p) return Number.NaN;
    for (let j = 0; j < p; j++) {
      const k = this.head + j;
      this.window[j] = this.ring[k >= p ? k - p : k];
    }
    return rescaledRangeSlope(this.window, 0, p, this.minChunk);
  }
}
