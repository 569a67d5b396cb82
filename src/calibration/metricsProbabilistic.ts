import { aucOf, rocAuc } from "../validation";
import { CalibrationError, checkLabels, classCountOf, probOf } from "./probabilities";

/**
 * Multiclass ROC-AUC, one-vs-rest, macro average (sklearn's multi_class="ovr", average="macro"):
 * the mean over classes of the AUC of P(class c) for class c against the rest.
 */
export function rocAucOvr(y: ArrayLike<number>, probs: Float64Array): number {
  const k = classCountOf("rocAucOvr", y, probs);
  checkLabels("rocAucOvr", y, k);
  if (k === 2) return rocAuc(y, probs.length === y.length ? probs : column(probs, 2, 1));
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const a = aucOf(
      "rocAucOvr",
      y.length,
      (i) => probs[i * k + c],
      (i) => y[i] === c,
    );
    if (Number.isNaN(a)) throw new CalibrationError("rocAucOvr", `class ${c} has no rows (or only rows of class ${c})`);
    sum += a;
  }
  return sum / k;
}

function column(probs: Float64Array, k: number, c: number): Float64Array {
  const n = probs.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = probs[i * k + c];
  return out;
}

/**
 * Brier score as sklearn's brier_score_loss (scale_by_half="auto"): binary, the mean squared
 * error of P(class 1); K >= 3 classes, the mean over rows of the squared distance to the one-hot label.
 */
export function brierScore(y: ArrayLike<number>, probs: Float64Array): number {
  const k = classCountOf("brierScore", y, probs);
  checkLabels("brierScore", y, k);
  const binary = probs.length === y.length;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    if (binary || k === 2) {
      const d = probOf(probs, k, binary, i, 1) - (y[i] === 1 ? 1 : 0);
      sum += d * d;
    } else {
      for (let c = 0; c < k; c++) {
        const d = probs[i * k + c] - (y[i] === c ? 1 : 0);
        sum += d * d;
      }
    }
  }
  return sum / y.length;
}
