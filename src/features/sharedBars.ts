/**
 * Bars in a SharedArrayBuffer, for feature worker threads (featureThreads.ts): copied once per
 * series object, read by every worker without a copy.
 */
import type { Bars } from "../data";

export interface SharedBars {
  /** Unique in the process: a worker keeps one Bars object per shared series by it. */
  id: number;
  ticker: string;
  timeframe: Bars["timeframe"];
  length: number;
  volume: boolean;
  adjClose: boolean;
  /** ts, open, high, low, close, then volume and adjClose when present, each `length` doubles. */
  buffer: SharedArrayBuffer;
}

/** Shared copies by series object (series are immutable in src/): a universe run shares its context once. */
const sharedCopies = new WeakMap<Bars, SharedBars>();
let lastId = 0;

export function shareBars(b: Bars): SharedBars {
  const known = sharedCopies.get(b);
  if (known) return known;
  const n = b.ts.length;
  const cols = [b.ts, b.open, b.high, b.low, b.close, b.volume, b.adjClose].filter(
    (c): c is Float64Array => c !== null,
  );
  const buffer = new SharedArrayBuffer(cols.length * n * 8);
  for (const [j, c] of cols.entries()) new Float64Array(buffer, j * n * 8, n).set(c);
  const shared = {
    id: ++lastId,
    ticker: b.ticker,
    timeframe: b.timeframe,
    length: n,
    volume: b.volume !== null,
    adjClose: b.adjClose !== null,
    buffer,
  };
  sharedCopies.set(b, shared);
  return shared;
}

export function barsOfShared(s: SharedBars): Bars {
  let j = 0;
  const next = () => new Float64Array(s.buffer, j++ * s.length * 8, s.length);
  return {
    ticker: s.ticker,
    timeframe: s.timeframe,
    ts: next(),
    open: next(),
    high: next(),
    low: next(),
    close: next(),
    volume: s.volume ? next() : null,
    adjClose: s.adjClose ? next() : null,
  };
}
