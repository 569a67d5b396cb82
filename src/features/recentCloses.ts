/**
 * The last closes of a series by timestamp, for a stream that must read a benchmark's close "at
 * or before" a date a little behind the latest bar (a universe member's bar run at the next base
 * bar, a higher-timeframe bar completed after the context's next bar came in). A ring of
 * `capacity` bars; asking for a time before the oldest kept one is an error, not a guess.
 */
import { isoDate } from "../data";

export class RecentCloses {
  private readonly ts: Float64Array;
  private readonly close: Float64Array;
  private count = 0;

  constructor(
    private readonly name: string,
    private readonly capacity: number,
  ) {
    this.ts = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
  }

  push(ts: number, close: number): void {
    const slot = this.count % this.capacity;
    this.ts[slot] = ts;
    this.close[slot] = close;
    this.count++;
  }

  /** The close of the last bar with timestamp ≤ t (NaN when no bar is that early). */
  at(t: number): number {
    const oldest = Math.max(0, this.count - this.capacity);
    for (let i = this.count - 1; i >= oldest; i--) {
      const slot = i % this.capacity;
      if (this.ts[slot] <= t) return this.close[slot];
    }
    if (oldest > 0) {
      throw new RangeError(
        `${this.name}: close at ${isoDate(t)} asked, older than the last ${this.capacity} bars kept (from ${isoDate(this.ts[oldest % this.capacity])})`,
      );
    }
    return Number.NaN;
  }
}
