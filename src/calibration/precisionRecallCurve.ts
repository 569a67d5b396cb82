/**
 * The precision-recall curve and average precision as scikit-learn computes them
 * (`precision_recall_curve`, `average_precision_score`): one point per distinct score, recall
 * decreasing, ending at (recall 0, precision 1); AP = Σ (R_i − R_{i+1}) · P_i, the step sum
 * (no interpolation, which would overstate it).
 */
import { thresholdCounts } from "./thresholdCounts";

export interface PrecisionRecallCurve {
  /** One more than `thresholds`: the last point is (recall 0, precision 1). */
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  /** Increasing; point i predicts positive at score >= thresholds[i]. */
  readonly thresholds: Float64Array;
  readonly averagePrecision: number;
}

/** Precision-recall curve of 0/1 labels against a score; null when either class has no rows. */
export function precisionRecallCurve(y: ArrayLike<number>, score: ArrayLike<number>): PrecisionRecallCurve | null {
  const c = thresholdCounts("precisionRecallCurve", y, score);
  if (!c) return null;
  const n = c.thresholds.length;
  const nPos = c.tps[n - 1];
  const precision = new Float64Array(n + 1);
  const recall = new Float64Array(n + 1);
  const thresholds = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = n - 1 - i;
    precision[i] = c.tps[j] / (c.tps[j] + c.fps[j]);
    recall[i] = c.tps[j] / nPos;
    thresholds[i] = c.thresholds[j];
  }
  precision[n] = 1;
  recall[n] = 0;
  let ap = 0;
  for (let i = 0; i < n; i++) ap -= (recall[i + 1] - recall[i]) * precision[i];
  return { precision, recall, thresholds, averagePrecision: ap };
}
