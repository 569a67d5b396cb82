import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";

/**
 * Rolling percentile rank of x_t among the last `period` values including itself, as pandas
 * `rolling(period).rank(pct=True)` (ties get their average rank): (below + (equal + 1)/2) /
 * period, in (0, 1]. Warm-up: period − 1 NaNs (plus the input's own). NaN rule: windows
 * containing a NaN are NaN. O(period) per value.
 */
export function percentileRank(values: Float64Array, period = 252): Float64Array {
  checkPeriod("percentileRank", "period", period);
  const n = values.length;
  requireBars("percentileRank", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  let lastNaN = -1;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (Number.isNaN(x)) lastNaN = i;
    out[i] = i + 1 >= period && i - lastNaN >= period ? rankOf(values, i + 1 - period, i + 1, x, period) : Number.NaN;
  }
  return out;
}

/** Average-rank percentile of x among v[from..to) (x is one of them). */
function rankOf(v: Float64Array, from: number, to: number, x: number, period: number): number {
  let below = 0;
  let equal = 0;
  for (let j = from; j < to; j++) {
    const y = v[j];
    if (y < x) below++;
    else if (y === x) equal++;
  }
  return (below + (equal + 1) / 2) / period;
}

/** Streaming twin of {@link percentileRank}: `update` takes the close, `next` any series. */
export class PercentileRankStream implements StreamingIndicator<number> {
  private readonly period: number;
  private readonly ring: Float64Array;
  private head = 0;
  private seen = 0;
  private sinceNaN = Number.POSITIVE_INFINITY;

  constructor(period = 252) {
    checkPeriod("percentileRank", "period", period);
    this.period = period;
    this.ring = new Float64Array(period);
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
    return rankOf(this.ring, 0, p, x, p);
  }
}
