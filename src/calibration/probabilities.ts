/**
 * Probability layouts shared by the metrics and calibrators. Binary predictions are one
 * `Float64Array` of P(class 1) per row; K-class predictions are n·K values, row-major (row i
 * holds P(class 0..K-1)). Labels are class codes 0..K-1 (the `LabelSet.y` convention).
 */
export class CalibrationError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = "CalibrationError";
  }
}

/** K for the given labels and probabilities: 2 for a vector of P(class 1), else probs.length / n. */
export function classCountOf(where: string, y: ArrayLike<number>, probs: Float64Array): number {
  const n = y.length;
  if (n === 0) throw new CalibrationError(where, "no rows");
  if (probs.length === n) return 2;
  const k = probs.length / n;
  if (!Number.isInteger(k) || k < 2) {
    throw new CalibrationError(
      where,
      `probabilities have length ${probs.length}; expected ${n} (binary) or ${n}·K (K classes)`,
    );
  }
  return k;
}

export function checkLabels(where: string, y: ArrayLike<number>, k: number): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || v >= k) {
      throw new CalibrationError(where, `y[${i}] = ${v} is not a class code in [0, ${k - 1}]`);
    }
  }
}

/** P(class c) of row i in either layout. */
export function probOf(probs: Float64Array, k: number, binaryVector: boolean, i: number, c: number): number {
  if (binaryVector) return c === 1 ? probs[i] : 1 - probs[i];
  return probs[i * k + c];
}

/**
 * Predicted class per row: the arg-max, first class on ties (numpy's argmax), so a binary
 * P(1) of exactly 0.5 predicts class 0.
 */
export function predictClasses(probs: Float64Array, n: number): Int32Array {
  const out = new Int32Array(n);
  if (probs.length === n) {
    for (let i = 0; i < n; i++) out[i] = probs[i] > 0.5 ? 1 : 0;
    return out;
  }
  const k = probs.length / n;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bp = probs[i * k];
    for (let c = 1; c < k; c++) {
      if (probs[i * k + c] > bp) {
        bp = probs[i * k + c];
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}
