import { LabelError } from "./labelSet";

/**
 * Sample standard deviation (ddof 1, as pandas `rolling(window).std()`) of one-bar log returns
 * over the `window` returns ending at bar t. Uses only closes <= t, so a barrier scaled by it
 * is known when the label starts. NaN for the first `window` bars.
 *
 * NaN rule (pandas' too): a window holding a non-finite return is NaN. A NaN close at bar k
 * spoils returns k and k+1, so values k .. k+window are NaN and the series recovers at
 * k+window+1; one bad close never removes more than window+1 values.
 */
export function rollingVolatility(close: Float64Array, window = 20): Float64Array {
  if (!Number.isInteger(window) || window < 2) {
    throw new LabelError("rollingVolatility", `window must be an integer >= 2, got ${window}`);
  }
  const n = close.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const r = new Float64Array(n).fill(Number.NaN);
  for (let i = 1; i < n; i++) {
    const v = Math.log(close[i] / close[i - 1]);
    if (Number.isFinite(v)) r[i] = v;
  }
  // Two passes per window (mean, then squared deviations): O(window) per bar, no running sum
  // to drift or to carry a NaN forward.
  // NaN returns among r[i-window+1 .. i]; r[0] (no previous close) counts until it leaves.
  let bad = 1;
  for (let i = 1; i < n; i++) {
    if (Number.isNaN(r[i])) bad++;
    if (i >= window && Number.isNaN(r[i - window])) bad--;
    if (i < window || bad > 0) continue;
    let sum = 0;
    for (let j = i - window + 1; j <= i; j++) sum += r[j];
    const mean = sum / window;
    let ss = 0;
    for (let j = i - window + 1; j <= i; j++) {
      const d = r[j] - mean;
      ss += d * d;
    }
    out[i] = Math.sqrt(ss / (window - 1));
  }
  return out;
}
