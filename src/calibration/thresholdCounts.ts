/**
 * The counts behind every ranking curve (scikit-learn's `_binary_clf_curve`): for each distinct
 * score, highest first, the positives and negatives scoring at or above it. Positive and negative
 * scores are sorted apart with the native numeric sort and merged from the top, as `aucOf`
 * (validation/rocAuc.ts) merges them from the bottom.
 */
import { CalibrationError } from "./probabilities";

export interface ThresholdCounts {
  /** Distinct scores, decreasing. */
  readonly thresholds: Float64Array;
  /** Positives with a score >= thresholds[i]. */
  readonly tps: Float64Array;
  /** Negatives with a score >= thresholds[i]. */
  readonly fps: Float64Array;
}

/** Counts of 0/1 labels `y` against `score`; null when either class has no rows (no curve exists). */
export function thresholdCounts(where: string, y: ArrayLike<number>, score: ArrayLike<number>): ThresholdCounts | null {
  if (score.length !== y.length)
    throw new CalibrationError(where, `score has length ${score.length}, expected ${y.length}`);
  let nPos = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new CalibrationError(where, `y[${i}] = ${y[i]} is not a class code in [0, 1]`);
    if (Number.isNaN(score[i])) throw new CalibrationError(where, `score[${i}] is NaN`);
    nPos += y[i];
  }
  const nNeg = y.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) pos[a++] = score[i];
    else neg[b++] = score[i];
  }
  pos.sort();
  neg.sort();
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let i = nPos - 1;
  let j = nNeg - 1;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    while (i >= 0 && pos[i] === t) i--;
    while (j >= 0 && neg[j] === t) j--;
    thresholds.push(t);
    tps.push(nPos - 1 - i);
    fps.push(nNeg - 1 - j);
  }
  return { thresholds: Float64Array.from(thresholds), tps: Float64Array.from(tps), fps: Float64Array.from(fps) };
}
