/**
 * ROC and precision-recall curves of every variant on the out-of-sample (walk-forward, calibrated)
 * rows and on the final holdout. Binary labels: P(class 1) against class 1. K classes: one curve
 * per class, P(class c) against the rest (the run's AUC is their macro mean).
 */
import { type PrecisionRecallCurve, precisionRecallCurve, type RocCurve, rocAuc, rocCurve } from "../calibration";
import { presentRows } from "./classificationMetrics";
import type { ExperimentResult } from "./experimentResult";
import { reportVariants } from "./reportVariants";

export type EvaluationSet = "oos" | "holdout";

export interface RankingCurve {
  variant: string;
  selected: boolean;
  set: EvaluationSet;
  /** The class scored as positive. */
  positive: string;
  rows: number;
  positives: number;
  auc: number;
  roc: RocCurve;
  pr: PrecisionRecallCurve;
}

/** Every variant's curves on both sets; a set or class without both outcomes has none. */
export function rankingCurves(r: ExperimentResult): RankingCurve[] {
  const out: RankingCurve[] = [];
  const classes = r.width === 1 ? [1] : Array.from({ length: r.width }, (_, c) => c);
  for (const v of reportVariants(r)) {
    for (const set of ["oos", "holdout"] as const) {
      const p = presentRows(
        r.y,
        set === "oos" ? v.oof : v.holdout,
        r.width,
        set === "oos" ? r.plan.rows : r.plan.holdout,
      );
      const n = p.y.length;
      for (const c of classes) {
        const y = Float64Array.from(p.y, (code) => (code === c ? 1 : 0));
        const score = r.width === 1 ? p.probs : Float64Array.from({ length: n }, (_, i) => p.probs[i * r.width + c]);
        const roc = rocCurve(y, score);
        const pr = precisionRecallCurve(y, score);
        if (!roc || !pr) continue;
        let positives = 0;
        for (const label of y) positives += label;
        out.push({
          variant: v.name,
          selected: v.selected,
          set,
          positive: r.classes[c],
          rows: n,
          positives,
          auc: rocAuc(y, score),
          roc,
          pr,
        });
      }
    }
  }
  return out;
}
