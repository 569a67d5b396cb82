/**
 * Softmax over consecutive groups of `k` values (row-major n × k): exponentials shifted by the
 * group's maximum, so no exp overflows, divided by their sum. The one softmax of the project:
 * the trees' multi-class link, gbm's training probabilities, logistic and LSTM outputs, the
 * blend's simplex weights and temperature scaling call it. `out` may be `m` (in place). A
 * group holding a NaN comes out all NaN.
 */
export function softmaxRows(m: Float64Array, k: number, out: Float64Array = m): Float64Array {
  for (let i = 0; i < m.length; i += k) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) if (m[i + c] > mx) mx = m[i + c];
    let s = 0;
    for (let c = 0; c < k; c++) s += out[i + c] = Math.exp(m[i + c] - mx);
    for (let c = 0; c < k; c++) out[i + c] /= s;
  }
  return out;
}
