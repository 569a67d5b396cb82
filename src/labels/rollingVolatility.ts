import { LabelError } from "./labelSet";

/**
 * Sample standard deviation (ddof 1, as pandas `rolling(window).std()`) of one-bar log returns
 * over the `window` returns ending at bar t. Uses only closes <= t, so a barrier scaled by it
 * is known when the label starts. NaN for the first `window` bars.
 */
export function rollingVolatility(close: Float64Array, window = 20): Float64Array {
  if (!Number.isInteger(window) || window < 2) {
    throw new LabelError("rollingVolatility", `window must be an integer >= 2, got ${window}`);
  }
  const n = close.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const r = new Float64Array(n);
  for (let i = 1; i < n; i++) r[i] = Math.log(close[i] / close[i - 1]);
  // The mean comes from a running sum; squared deviations are summed per window (O(window))
  // because a running sum of squares loses precision when returns are tiny.
  let sum = 0;
  for (let i = 1; i < n; i++) {
    sum += r[i];
    if (i > window) sum -= r[i - window];
    if (i >= window) {
      const mean = sum / window;
      let ss = 0;
      for (let j = i - window + 1; j <= i; j++) {
        const d = r[j] - mean;
        ss += d * d;
      }
      out[i] = Math.sqrt(ss / (window - 1));
    }
  }
  return out;
}
