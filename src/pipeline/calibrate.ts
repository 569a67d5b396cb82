/**
 * Calibration on out-of-fold predictions only, forward in time: fold k's test predictions are
 * calibrated by a calibrator fitted on the OOF predictions of folds before k (so the calibrated
 * OOF scores are themselves out of sample). Folds with too little earlier OOF data keep their raw
 * probabilities. The holdout is calibrated by a calibrator fitted on all OOF rows. With
 * `per_regime`, each regime with enough rows gets its own calibrator (the pooled one elsewhere).
 */
import {
  type CalibrationConfig,
  type Calibrator,
  crossFitCalibration,
  fitCalibrator,
  type RowSplit,
} from "../calibration";
import type { SplitPlan } from "../validation";
import { presentRows } from "./classificationMetrics";

export interface Calibrated {
  oof: Float64Array;
  holdout: Float64Array;
  /** Folds whose OOF predictions were calibrated (the others had too little earlier data). */
  calibratedFolds: number;
  /**
   * The calibrator the holdout got: fitted on every OOF row (all folds, before the final holdout),
   * the one a live model applies. Null with method "none" or without OOF rows.
   */
  final: Calibrator | null;
  /** OOF rows `final` was fitted on. */
  finalRows: number;
}

function bothClasses(y: Float64Array, rows: Int32Array): boolean {
  const seen = new Set<number>();
  for (const r of rows) seen.add(y[r]);
  return seen.size >= 2;
}

export function calibrateOutOfFold(
  config: CalibrationConfig,
  plan: SplitPlan,
  y: Float64Array,
  oof: Float64Array,
  holdout: Float64Array,
  width: number,
  /** Regime id per row (NaN where undefined), for `per_regime` calibration. */
  regimes?: Float64Array,
): Calibrated {
  if (config.method === "none") return { oof, holdout, calibratedFolds: 0, final: null, finalRows: 0 };
  const method = config.method;
  const p = presentRows(y, oof, width);
  const regimeOf = (rows: readonly number[]) =>
    config.per_regime && regimes ? Float64Array.from(rows, (r) => regimes[r]) : undefined;
  const options = { regimes: regimeOf(p.rows), minRegimeRows: config.min_regime_rows };
  const position = new Map<number, number>();
  p.rows.forEach((r, j) => {
    position.set(r, j);
  });
  const splits: RowSplit[] = [];
  const earlier: number[] = [];
  for (const s of plan.splits) {
    const test: number[] = [];
    for (const r of s.test) {
      const j = position.get(r);
      if (j !== undefined) test.push(j);
    }
    const train = Int32Array.from(earlier);
    if (train.length >= config.min_regime_rows && bothClasses(p.y, train) && test.length > 0) {
      splits.push({ train, test: Int32Array.from(test) });
    }
    earlier.push(...test);
  }
  const outOof = Float64Array.from(oof);
  if (splits.length > 0) {
    const cal = crossFitCalibration(method, p.probs, p.y, splits, options);
    for (const s of splits) {
      for (const j of s.test) {
        const r = p.rows[j];
        for (let c = 0; c < width; c++) outOof[r * width + c] = cal[j * width + c];
      }
    }
  }
  const outHoldout = Float64Array.from(holdout);
  const h = presentRows(new Float64Array(y.length).fill(0), holdout, width);
  const final = p.y.length > 0 ? fitCalibrator(method, p.probs, p.y, options) : null;
  if (final && h.rows.length > 0) {
    const cal = final.apply(h.probs, regimeOf(h.rows));
    h.rows.forEach((r, j) => {
      for (let c = 0; c < width; c++) outHoldout[r * width + c] = cal[j * width + c];
    });
  }
  return { oof: outOof, holdout: outHoldout, calibratedFolds: splits.length, final, finalRows: p.y.length };
}
