/**
 * The columnar bar type every module shares.
 *
 * One `Bars` holds one ticker at one timeframe. Columns are parallel `Float64Array`s so that
 * indicators, features and the backtest work on typed arrays without per-row objects.
 * `ts` is the bar's *open* time in UTC epoch milliseconds; a daily bar's `ts` is 00:00 UTC of
 * its session date (the exchange-local date), so dates survive a round trip unchanged.
 */
export const TIMEFRAMES = ["1m", "5m", "15m", "1h", "1d", "1w"] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const INTRADAY_TIMEFRAME_MS: Record<Exclude<Timeframe, "1d" | "1w">, number> = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
};

/**
 * The longest span in bars a config may give a window, horizon, lag or embargo (about 400
 * years of daily bars): a bound that catches a typo such as 1e9 before any work, not a limit
 * of the data, which catches longer-than-the-data windows itself.
 */
export const MAX_WINDOW_BARS = 100_000;

export function isTimeframe(value: string): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value);
}

export function isIntraday(tf: Timeframe): tf is keyof typeof INTRADAY_TIMEFRAME_MS {
  return tf in INTRADAY_TIMEFRAME_MS;
}

export interface Bars {
  readonly ticker: string;
  readonly timeframe: Timeframe;
  /** Bar open time, UTC epoch ms, strictly increasing. */
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** `null` when the source has no volume (an index such as VIX), never a column of zeros. */
  readonly volume: Float64Array | null;
  /** Dividend- and split-adjusted close where the source provides one. */
  readonly adjClose: Float64Array | null;
}

export type PriceField = "open" | "high" | "low" | "close";
export const PRICE_FIELDS: readonly PriceField[] = ["open", "high", "low", "close"];

export function barCount(bars: Bars): number {
  return bars.ts.length;
}

/**
 * `a` continued by `later` (the same series, every bar after a's last): a new series; both are
 * left as they are. Throws, naming the series and the times, when `later` does not continue `a`.
 */
export function appendBars(a: Bars, later: Bars): Bars {
  if (later.ts.length === 0) return a;
  if (a.ticker !== later.ticker || a.timeframe !== later.timeframe) {
    throw new RangeError(`appendBars: ${later.ticker} ${later.timeframe} does not continue ${a.ticker} ${a.timeframe}`);
  }
  const n = a.ts.length;
  if (n > 0 && later.ts[0] <= a.ts[n - 1]) {
    throw new RangeError(
      `appendBars: ${a.ticker} ${a.timeframe}: the new bars start at ${new Date(later.ts[0]).toISOString()}, not after the last bar ${new Date(a.ts[n - 1]).toISOString()}`,
    );
  }
  if ((a.volume === null) !== (later.volume === null) || (a.adjClose === null) !== (later.adjClose === null)) {
    throw new RangeError(
      `appendBars: ${a.ticker} ${a.timeframe}: the new bars carry other columns (volume, adjusted close)`,
    );
  }
  const join = (x: Float64Array, y: Float64Array) => {
    const out = new Float64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    ticker: a.ticker,
    timeframe: a.timeframe,
    ts: join(a.ts, later.ts),
    open: join(a.open, later.open),
    high: join(a.high, later.high),
    low: join(a.low, later.low),
    close: join(a.close, later.close),
    volume: a.volume && later.volume ? join(a.volume, later.volume) : null,
    adjClose: a.adjClose && later.adjClose ? join(a.adjClose, later.adjClose) : null,
  };
}

/** Rows [start, end) as views over the same memory (no copy). */
export function sliceBars(bars: Bars, start: number, end: number = bars.ts.length): Bars {
  return {
    ticker: bars.ticker,
    timeframe: bars.timeframe,
    ts: bars.ts.subarray(start, end),
    open: bars.open.subarray(start, end),
    high: bars.high.subarray(start, end),
    low: bars.low.subarray(start, end),
    close: bars.close.subarray(start, end),
    volume: bars.volume ? bars.volume.subarray(start, end) : null,
    adjClose: bars.adjClose ? bars.adjClose.subarray(start, end) : null,
  };
}

/** First index with ts >= t (binary search; `ts` is sorted). */
export function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rows whose ts lies in [from, to) (epoch ms), as views. */
export function barsBetween(bars: Bars, from: number, to: number): Bars {
  return sliceBars(bars, lowerBound(bars.ts, from), lowerBound(bars.ts, to));
}
