import { requireBars } from "./_shared/requireBars";
import { IndicatorError, type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { ofReturns } from "./logReturns";

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
 *
 * Cost: the chunks of a window are the chunks ending `size`, 2·size, … bars earlier, already
 * evaluated when those bars were current; so each bar evaluates one new chunk per size
 * (≈ 2·period values in all) and reuses the rest from a per-size history.
 */
export function hurstExponent(values: Float64Array, period = 128, minChunk = 8): Float64Array {
  checkParams(period, minChunk);
  const n = values.length;
  requireBars("hurstExponent", n, period - 1, `period=${period}`);
  const state = new RescaledRange(period, minChunk);
  const out = new Float64Array(n);
  let lastNaN = -1;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i])) lastNaN = i;
    out[i] = state.step(values, i, i, i + 1 >= period && i - lastNaN >= period);
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

/** R/S of x[end−size+1 .. end], NaN when the chunk has no spread (or holds a NaN). */
function chunkRescaledRange(x: Float64Array, end: number, size: number): number {
  const from = end - size + 1;
  let mean = 0;
  for (let j = from; j <= end; j++) mean += x[j];
  mean /= size;
  let cum = 0;
  let hi = 0;
  let lo = 0;
  let ss = 0;
  for (let j = from; j <= end; j++) {
    const d = x[j] - mean;
    cum += d;
    if (cum > hi) hi = cum;
    if (cum < lo) lo = cum;
    ss += d * d;
  }
  const s = Math.sqrt(ss / size);
  return s > 0 ? (hi - lo) / s : Number.NaN;
}

/**
 * Per chunk size, the R/S of the chunk ending at each of the last `period` positions (a ring
 * indexed by position mod period); shared by the batch function and the stream.
 */
class RescaledRange {
  private readonly period: number;
  private readonly sizes: Int32Array;
  private readonly logSizes: Float64Array;
  private readonly history: Float64Array;

  constructor(period: number, minChunk: number) {
    const sizes: number[] = [];
    for (let s = minChunk; s <= period; s *= 2) sizes.push(s);
    this.period = period;
    this.sizes = Int32Array.from(sizes);
    this.logSizes = Float64Array.from(sizes, Math.log);
    this.history = new Float64Array(sizes.length * period).fill(Number.NaN);
  }

  /**
   * Records the chunks ending at bar `t`, whose value is x[end] (preceded by the earlier ones),
   * and, when `ready` (a full NaN-free window ends at t), returns H of the window; NaN otherwise.
   */
  step(x: Float64Array, end: number, t: number, ready: boolean): number {
    const p = this.period;
    const slot = t % p;
    for (let k = 0; k < this.sizes.length; k++) {
      const size = this.sizes[k];
      this.history[k * p + slot] = t + 1 >= size ? chunkRescaledRange(x, end, size) : Number.NaN;
    }
    if (!ready) return Number.NaN;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let points = 0;
    for (let k = 0; k < this.sizes.length; k++) {
      const size = this.sizes[k];
      const chunks = Math.floor(p / size);
      let rsSum = 0;
      let used = 0;
      for (let c = 0; c < chunks; c++) {
        const rs = this.history[k * p + ((t - c * size) % p)];
        if (!Number.isNaN(rs)) {
          rsSum += rs;
          used++;
        }
      }
      if (used > 0 && rsSum > 0) {
        const lx = this.logSizes[k];
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
}

/** Streaming twin of {@link hurstExponent}: `update` takes the close, `next` any series. */
export class HurstExponentStream implements StreamingIndicator<number> {
  private readonly period: number;
  private readonly state: RescaledRange;
  /**
   * The last `period` values twice over (slot j and j + period), so the chunk ending at the
   * newest value is always contiguous: the batch arithmetic applies unchanged.
   */
  private readonly doubled: Float64Array;
  private seen = 0;
  private sinceNaN = Number.POSITIVE_INFINITY;

  constructor(period = 128, minChunk = 8) {
    checkParams(period, minChunk);
    this.period = period;
    this.state = new RescaledRange(period, minChunk);
    this.doubled = new Float64Array(2 * period);
  }

  update(bar: OhlcvBar): number {
    return this.next(bar.close);
  }

  next(x: number): number {
    const p = this.period;
    const t = this.seen++;
    const j = t % p;
    this.doubled[j] = x;
    this.doubled[j + p] = x;
    this.sinceNaN = Number.isNaN(x) ? 0 : this.sinceNaN + 1;
    // Position t sits at j + p in the doubled buffer, with the p − 1 values before it behind it.
    return this.state.step(this.doubled, j + p, t, this.seen >= p && this.sinceNaN >= p);
  }
}

export const hurstExponentIndicator: IndicatorDescriptor = ofReturns({
  name: "hurst",
  params: [int("period", 128, 16), int("min_chunk", 8, 2)],
  warmUp: (p) => num(p, "period"),
  catalogId: "hurst_128",
  batch: (r, p) => hurstExponent(r, num(p, "period"), num(p, "min_chunk")),
  stream: (p) => new HurstExponentStream(num(p, "period"), num(p, "min_chunk")),
});
