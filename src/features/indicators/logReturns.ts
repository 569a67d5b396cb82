import { requireBars } from "./_shared/requireBars";
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
