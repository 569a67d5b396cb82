/**
 * Per-bar standard deviation (ddof 1) of the last `lookback` close-to-close simple returns,
 * ending at bar t (so it only uses closes <= t). NaN until `lookback` returns exist.
 * Sliding sums keep it O(n) over a million bars; they are recomputed from scratch every
 * `lookback` bars so floating-point drift cannot accumulate.
 */
export function rollingVolatility(close: Float64Array, lookback: number): Float64Array {
  if (!Number.isInteger(lookback) || lookback < 2) {
    throw new Error(`rollingVolatility: lookback must be an integer >= 2, got ${lookback}`);
  }
  const n = close.length;
  // Only the warm-up is filled: a second full pass over a fresh million-element array costs
  // as much as the computation.
  const out = new Float64Array(n);
  out.fill(Number.NaN, 0, Math.min(lookback, n));
  // Return k sits at ring[k % lookback] from its bar until `lookback` bars later, when it leaves
  // the window: each return is divided out once, and the slot doubles as the phase of the
  // periodic fresh sum (t % lookback === (t − lookback) % lookback).
  const ring = new Float64Array(lookback);
  for (let k = 1; k < Math.min(lookback, n); k++) ring[k] = close[k] / close[k - 1] - 1;
  let s = 0;
  let ss = 0;
  let slot = 0;
  for (let t = lookback; t < n; t++) {
    const add = close[t] / close[t - 1] - 1;
    const drop = ring[slot];
    ring[slot] = add;
    if (slot === 0) {
      // Returns t − lookback + 1 .. t in time order: slots 1 .. lookback − 1, then slot 0.
      s = 0;
      ss = 0;
      for (let k = 1; k < lookback; k++) {
        const r = ring[k];
        s += r;
        ss += r * r;
      }
      s += add;
      ss += add * add;
    } else {
      s += add - drop;
      ss += add * add - drop * drop;
    }
    if (++slot === lookback) slot = 0;
    const v = (ss - (s * s) / lookback) / (lookback - 1);
    out[t] = v > 0 ? Math.sqrt(v) : 0;
  }
  return out;
}

/**
 * The streaming twin of {@link rollingVolatility}: the same sums, recomputed at the same bars
 * and otherwise slid in the same order, so its value at a bar is the batch column's bit for bit
 * when fed the same closes from the same first bar. It keeps the last `lookback` returns.
 */
export class RollingVolatilityStream {
  private readonly returns: Float64Array;
  private bars = 0;
  private prevClose = 0;
  private s = 0;
  private ss = 0;

  constructor(private readonly lookback: number) {
    if (!Number.isInteger(lookback) || lookback < 2) {
      throw new Error(`rollingVolatility stream: lookback must be an integer >= 2, got ${lookback}`);
    }
    this.returns = new Float64Array(lookback);
  }

  /** Feeds the next close; returns the per-bar volatility at it (NaN for the first `lookback` bars). */
  update(close: number): number {
    const t = this.bars++;
    const lookback = this.lookback;
    const prevClose = this.prevClose;
    this.prevClose = close;
    if (t === 0) return Number.NaN;
    // Return t goes where return t − lookback was: that one leaves the window at this bar.
    const slot = t % lookback;
    const add = close / prevClose - 1;
    const drop = this.returns[slot];
    this.returns[slot] = add;
    if (t < lookback) return Number.NaN;
    if ((t - lookback) % lookback === 0) {
      // The batch's periodic fresh sum, over returns t − lookback + 1 .. t in time order.
      let s = 0;
      let ss = 0;
      for (let k = t - lookback + 1; k <= t; k++) {
        const r = this.returns[k % lookback];
        s += r;
        ss += r * r;
      }
      this.s = s;
      this.ss = ss;
    } else {
      this.s += add - drop;
      this.ss += add * add - drop * drop;
    }
    const v = (this.ss - (this.s * this.s) / lookback) / (lookback - 1);
    return v > 0 ? Math.sqrt(v) : 0;
  }
}
