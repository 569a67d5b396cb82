import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/**
 * The non-NaN values of the window kept sorted: ranks come from two binary searches, and
 * insertion / removal are one `copyWithin` (a memmove) each, far cheaper than comparing against
 * every value of a long window. Shared by the batch function and the stream.
 */
class SortedWindow {
  private readonly sorted: Float64Array;
  private length = 0;

  constructor(period: number) {
    this.sorted = new Float64Array(period);
  }

  /** First index whose value is >= x (strict: > x). */
  private bound(x: number, strict: boolean): number {
    let lo = 0;
    let hi = this.length;
    const a = this.sorted;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] < x || (strict && a[mid] === x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(x: number): void {
    if (Number.isNaN(x)) return;
    const at = this.bound(x, true);
    this.sorted.copyWithin(at + 1, at, this.length);
    this.sorted[at] = x;
    this.length++;
  }

  remove(x: number): void {
    if (Number.isNaN(x)) return;
    const at = this.bound(x, false);
    this.sorted.copyWithin(at, at + 1, this.length);
    this.length--;
  }

  /** Average-rank percentile of x (one of the values) among `period` values. */
  rank(x: number, period: number): number {
    const below = this.bound(x, false);
    const equal = this.bound(x, true) - below;
    return (below + (equal + 1) / 2) / period;
  }
}

/**
 * Rolling percentile rank of x_t among the last `period` values including itself, as pandas
 * `rolling(period).rank(pct=True)` (ties get their average rank): (below + (equal + 1)/2) /
 * period, in (0, 1]. Warm-up: period − 1 NaNs (plus the input's own). NaN rule: windows
 * containing a NaN are NaN.
 */
export function percentileRank(values: Float64Array, period = 252): Float64Array {
  checkPeriod("percentileRank", "period", period);
  const n = values.length;
  requireBars("percentileRank", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const window = new SortedWindow(period);
  let lastNaN = -1;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (i >= period) window.remove(values[i - period]);
    window.insert(x);
    if (Number.isNaN(x)) lastNaN = i;
    out[i] = i + 1 >= period && i - lastNaN >= period ? window.rank(x, period) : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link percentileRank}: `update` takes the close, `next` any series. */
export class PercentileRankStream implements StreamingIndicator<number> {
  private readonly period: number;
  private readonly ring: Float64Array;
  private readonly window: SortedWindow;
  private head = 0;
  private seen = 0;
  private sinceNaN = Number.POSITIVE_INFINITY;

  constructor(period = 252) {
    checkPeriod("percentileRank", "period", period);
    this.period = period;
    this.ring = new Float64Array(period);
    this.window = new SortedWindow(period);
  }

  update(bar: OhlcvBar): number {
    return this.next(bar.close);
  }

  next(x: number): number {
    const p = this.period;
    if (this.seen >= p) this.window.remove(this.ring[this.head]);
    this.window.insert(x);
    this.ring[this.head] = x;
    this.head = this.head + 1 === p ? 0 : this.head + 1;
    this.seen++;
    this.sinceNaN = Number.isNaN(x) ? 0 : this.sinceNaN + 1;
    if (this.seen < p || this.sinceNaN < p) return Number.NaN;
    return this.window.rank(x, p);
  }
}

export const percentileRankIndicator: IndicatorDescriptor = single({
  name: "percentile_rank",
  family: "returns",
  params: period(252, 2),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "percentile_rank_252",
  batch: (b, p) => percentileRank(b.close, num(p, "period")),
  stream: (p) => new PercentileRankStream(num(p, "period")),
});
