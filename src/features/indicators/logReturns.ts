import type { Bars } from "../../data";
import { define, type SeriesStream, single } from "./_shared/describe";
import { requireBars } from "./_shared/requireBars";
import { type IndicatorDescriptor, num, type Params, period, type StreamCore } from "./descriptor";
import type { OhlcvBar, StreamingIndicator } from "./indicator";

/**
 * One-bar log returns ln(x_t / x_{t−1}). Warm-up: 1 NaN. NaN rule: a NaN input spoils the
 * two returns that use it.
 */
export function logReturns(close: Float64Array): Float64Array {
  const n = close.length;
  requireBars("logReturns", n, 1, "one-bar returns");
  const out = new Float64Array(n);
  out[0] = Number.NaN;
  for (let i = 1; i < n; i++) out[i] = Math.log(close[i] / close[i - 1]);
  return out;
}

/** Streaming twin of {@link logReturns} over the close (`next` takes any series). */
export class LogReturnsStream implements StreamingIndicator<number> {
  private prev = Number.NaN;

  update(bar: OhlcvBar): number {
    return this.next(bar.close);
  }

  next(x: number): number {
    const r = Math.log(x / this.prev);
    this.prev = x;
    return r;
  }
}

/**
 * ln(close) per bar, kept per close array: the default set takes log returns over nine horizons
 * of the same closes, and a logarithm costs more than the rest of a return.
 */
const logCloses = new WeakMap<Float64Array, Float64Array>();

function logCloseOf(close: Float64Array): Float64Array {
  let out = logCloses.get(close);
  if (!out) {
    out = new Float64Array(close.length);
    for (let i = 0; i < close.length; i++) out[i] = Math.log(close[i]);
    logCloses.set(close, out);
  }
  return out;
}

/** Log return over `period` bars: ln(close_t) − ln(close_{t−period}). */
export function logReturnOver(close: Float64Array, period: number): Float64Array {
  const lc = logCloseOf(close);
  const out = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) out[i] = i >= period ? lc[i] - lc[i - period] : Number.NaN;
  return out;
}

/** Streaming twin of {@link logReturnOver}. */
export class LogReturnOverStream implements StreamingIndicator<number> {
  private readonly ring: Float64Array;
  private seen = 0;

  constructor(private readonly period: number) {
    this.ring = new Float64Array(period);
  }

  update(bar: OhlcvBar): number {
    const slot = this.seen % this.period;
    const lc = Math.log(bar.close);
    const out = this.seen >= this.period ? lc - this.ring[slot] : Number.NaN;
    this.ring[slot] = lc;
    this.seen++;
    return out;
  }
}

export const logReturnIndicator: IndicatorDescriptor = single({
  name: "ret",
  family: "returns",
  params: period(1),
  warmUp: (p) => num(p, "period"),
  catalogId: "log_return",
  batch: (b, p) => logReturnOver(b.close, num(p, "period")),
  stream: (p) => new LogReturnOverStream(num(p, "period")),
});

/** A statistic of the one-bar log returns of the close, as a stream. */
class OfReturnsStream implements StreamCore {
  private readonly returns = new LogReturnsStream();
  constructor(private readonly inner: SeriesStream) {}
  update(bar: OhlcvBar): Record<string, number> {
    return { value: this.inner.next(this.returns.next(bar.close)) };
  }
}

/** A statistic of the one-bar log returns of the close (skew, kurtosis, autocorrelation, Hurst). */
export function ofReturns(s: {
  name: string;
  params: IndicatorDescriptor["params"];
  warmUp: (p: Params) => number;
  catalogId: string;
  batch: (returns: Float64Array, p: Params) => Float64Array;
  stream: (p: Params) => SeriesStream;
}): IndicatorDescriptor {
  return define({
    ...s,
    family: "returns",
    outputs: ["value"],
    batch: (b: Bars, p) => ({ value: s.batch(logReturns(b.close), p) }),
    stream: (p) => new OfReturnsStream(s.stream(p)),
  });
}
