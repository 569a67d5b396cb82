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
  const out = new Float64Array(n).fill(Number.NaN);
  const r = new Float64Array(n);
  for (let t = 1; t < n; t++) r[t] = close[t] / close[t - 1] - 1;
  let s = 0;
  let ss = 0;
  for (let t = lookback; t < n; t++) {
    if ((t - lookback) % lookback === 0) {
      s = 0;
      ss = 0;
      for (let k = t - lookback + 1; k <= t; k++) {
        s += r[k];
        ss += r[k] * r[k];
      }
    } else {
      const add = r[t];
      const drop = r[t - lookback];
      s += add - drop;
      ss += add * add - drop * drop;
    }
    const v = (ss - (s * s) / lookback) / (lookback - 1);
    out[t] = v > 0 ? Math.sqrt(v) : 0;
  }
  return out;
}
