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
  let s = 0;
  let ss = 0;
  for (let t = lookback; t < n; t++) {
    if ((t - lookback) % lookback === 0) {
      s = 0;
      ss = 0;
      for (let k = t - lookback + 1; k <= t; k++) {
        const r = close[k] / close[k - 1] - 1;
        s += r;
        ss += r * r;
      }
    } else {
      const add = close[t] / close[t - 1] - 1;
      const drop = close[t - lookback] / close[t - lookback - 1] - 1;
      s += add - drop;
      ss += add * add - drop * drop;
    }
    const v = (ss - (s * s) / lookback) / (lookback - 1);
    out[t] = v > 0 ? Math.sqrt(v) : 0;
  }
  return out;
}
