import { CalibrationError } from "./probabilities";

/**
 * Label metrics over predicted class codes, defined as scikit-learn defines them
 * (zero_division = 0, macro averages over the classes present in y or the predictions).
 */
export function confusionMatrix(y: ArrayLike<number>, pred: ArrayLike<number>, k: number): Int32Array {
  if (y.length !== pred.length) {
    throw new CalibrationError("confusionMatrix", `pred has length ${pred.length}, expected ${y.length}`);
  }
  const m = new Int32Array(k * k);
  for (let i = 0; i < y.length; i++) {
    const a = y[i];
    const b = pred[i];
    if (!(a >= 0 && a < k && b >= 0 && b < k) || !Number.isInteger(a) || !Number.isInteger(b)) {
      throw new CalibrationError(
        "confusionMatrix",
        `row ${i}: y = ${a}, pred = ${b}; expected class codes in [0, ${k - 1}]`,
      );
    }
    m[a * k + b]++;
  }
  return m;
}

export function accuracy(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  if (y.length !== pred.length)
    throw new CalibrationError("accuracy", `pred has length ${pred.length}, expected ${y.length}`);
  let hit = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === pred[i]) hit++;
  return hit / y.length;
}

/** Mean recall over the classes present in y (sklearn's balanced_accuracy_score). */
export function balancedAccuracy(y: ArrayLike<number>, pred: ArrayLike<number>, k: number): number {
  const m = confusionMatrix(y, pred, k);
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < k; c++) {
    let row = 0;
    for (let j = 0; j < k; j++) row += m[c * k + j];
    if (row === 0) continue;
    sum += m[c * k + c] / row;
    classes++;
  }
  return sum / classes;
}

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Precision, recall and F1. `binary` scores class 1 (sklearn's average="binary", pos_label=1);
 * `macro` averages per-class scores over the classes present in y or pred.
 */
export function precisionRecallF1(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  k: number,
  average: "binary" | "macro" = k === 2 ? "binary" : "macro",
): PrecisionRecallF1 {
  const m = confusionMatrix(y, pred, k);
  const perClass = (c: number): PrecisionRecallF1 & { present: boolean } => {
    let tpfp = 0;
    let tpfn = 0;
    for (let j = 0; j < k; j++) {
      tpfp += m[j * k + c];
      tpfn += m[c * k + j];
    }
    const tp = m[c * k + c];
    const precision = tpfp > 0 ? tp / tpfp : 0;
    const recall = tpfn > 0 ? tp / tpfn : 0;
    // sklearn computes F1 from counts: 2tp / (2tp + fp + fn).
    const denom = tpfp + tpfn;
    const f1 = denom > 0 ? (2 * tp) / denom : 0;
    return { precision, recall, f1, present: tpfp + tpfn > 0 };
  };
  if (average === "binary") {
    if (k !== 2) throw new CalibrationError("precisionRecallF1", `average binary needs 2 classes, got ${k}`);
    const { precision, recall, f1 } = perClass(1);
    return { precision, recall, f1 };
  }
  let p = 0;
  let r = 0;
  let f = 0;
  let classes = 0;
  for (let c = 0; c < k; c++) {
    const s = perClass(c);
    if (!s.present) continue;
    p += s.precision;
    r += s.recall;
    f += s.f1;
    classes++;
  }
  return { precision: p / classes, recall: r / classes, f1: f / classes };
}
