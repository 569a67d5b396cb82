/**
 * The ROC curve as scikit-learn's `roc_curve(y, score)` draws it (drop_intermediate=True): the
 * corners of the step curve, collinear points dropped, from (0, 0) at threshold +Infinity.
 * Its trapezoidal area is `rocAuc`.
 */
import { thresholdCounts } from "./thresholdCounts";

export interface RocCurve {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  /** Decreasing; the first is +Infinity (nothing predicted positive). */
  readonly thresholds: Float64Array;
}

/** ROC curve of 0/1 labels against a score; null when either class has no rows. */
export function rocCurve(y: ArrayLike<number>, score: ArrayLike<number>): RocCurve | null {
  const c = thresholdCounts("rocCurve", y, score);
  if (!c) return null;
  const n = c.thresholds.length;
  // A point is kept where the curve bends: a non-zero second difference of fps or tps.
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const ends = n <= 2 || i === 0 || i === n - 1;
    if (ends || c.fps[i + 1] - 2 * c.fps[i] + c.fps[i - 1] !== 0 || c.tps[i + 1] - 2 * c.tps[i] + c.tps[i - 1] !== 0)
      keep.push(i);
  }
  const nPos = c.tps[n - 1];
  const nNeg = c.fps[n - 1];
  const fpr = new Float64Array(keep.length + 1);
  const tpr = new Float64Array(keep.length + 1);
  const thresholds = new Float64Array(keep.length + 1);
  thresholds[0] = Number.POSITIVE_INFINITY;
  keep.forEach((i, j) => {
    fpr[j + 1] = c.fps[i] / nNeg;
    tpr[j + 1] = c.tps[i] / nPos;
    thresholds[j + 1] = c.thresholds[i];
  });
  return { fpr, tpr, thresholds };
}
