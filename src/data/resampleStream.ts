/**
 * {@link resample} one bar at a time: bars of `from` in time order, bars of `to` out as they
 * complete, equal to the batch resample's (same buckets, same arithmetic in the same order).
 * A bucket completes when a bar of another bucket arrives or when the caller closes it (its
 * close time has passed: the stream of features makes a higher-timeframe bar visible then);
 * a bar arriving for a bucket already closed is refused, since its value was already used.
 */
import { isIntraday, type Timeframe, TIMEFRAMES } from "./bars";
import { BucketOf } from "./resample";
import { isoDate, isoNewYork } from "./newYorkTime";

/** One bar of the stream; volume NaN when the series has none. */
export interface StreamBar {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

interface Bucket {
  key: number;
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  closed: boolean;
}

export class ResampleStream {
  private readonly bucketOf: BucketOf;
  private current: Bucket | null = null;

  constructor(
    readonly from: Timeframe,
    readonly to: Timeframe,
    /** Names the series in errors. */
    private readonly where: string,
  ) {
    if (TIMEFRAMES.indexOf(to) < TIMEFRAMES.indexOf(from)) {
      throw new RangeError(`${where}: cannot resample ${from} to the finer ${to}`);
    }
    this.bucketOf = new BucketOf(from, to);
  }

  /** Adds the next bar; returns the bucket it completes (the previous one, unless closed already), else null. */
  push(bar: StreamBar): StreamBar | null {
    const b = this.bucketOf;
    if (!b.place(bar.ts)) return null;
    const cur = this.current;
    if (cur !== null && cur.key === b.key) {
      if (cur.closed) {
        throw new RangeError(
          `${this.where}: bar of ${this.show(bar.ts)} falls in the ${this.to} bar of ${this.show(cur.ts)}, which had closed before it`,
        );
      }
      if (bar.high > cur.high) cur.high = bar.high;
      if (bar.low < cur.low) cur.low = bar.low;
      cur.close = bar.close;
      cur.volume += bar.volume;
      return null;
    }
    const done = cur !== null && !cur.closed ? this.snapshot(cur) : null;
    // The batch starts a bucket's volume at 0 and adds every bar's: the same sums.
    this.current = {
      key: b.key,
      ts: b.stamp,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: 0 + bar.volume,
      closed: false,
    };
    return done;
  }

  /** The bucket in progress (not closed), if any. */
  get open(): StreamBar | null {
    return this.current !== null && !this.current.closed ? this.snapshot(this.current) : null;
  }

  /** Timestamp of the bucket in progress (NaN when none). */
  get openTs(): number {
    return this.current !== null && !this.current.closed ? this.current.ts : Number.NaN;
  }

  /** Completes the bucket in progress now; returns it (null when none is open). */
  close(): StreamBar | null {
    const cur = this.current;
    if (cur === null || cur.closed) return null;
    cur.closed = true;
    return this.snapshot(cur);
  }

  private show(t: number): string {
    return isIntraday(this.from) ? isoNewYork(t) : isoDate(t);
  }

  private snapshot(c: Bucket): StreamBar {
    return { ts: c.ts, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
  }
}
