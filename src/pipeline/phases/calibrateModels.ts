/**
 * Phase `calibration`: each model's calibrator fitted on out-of-fold rows only (per regime when
 * configured), and the model's scores, importances and SHAP summary.
 */
import { meanAbsShap } from "../../explain";
import { type FeatureMatrix, type Importance, type Model, takeRows, TreeModel } from "../../models";
import { calibrateOutOfFold } from "../calibrate";
import { scoreProbabilities } from "../classificationMetrics";
import { modelEntryName } from "../config";
import type { ModelResult } from "../experimentResult";
import type { LabelsPhase } from "./buildLabels";
import type { PhaseContext } from "./context";
import type { TrainingPhase } from "./fitModels";
import type { RowsPhase } from "./assembleRows";
import type { SplitsPhase } from "./planSplits";

export interface CalibrationPhase {
  /** One per `models:` entry, in config order. */
  models: ModelResult[];
}

export async function calibrateModels(
  { config, timer }: PhaseContext,
  labels: LabelsPhase,
  rows: RowsPhase,
  splits: SplitsPhase,
  training: TrainingPhase,
): Promise<CalibrationPhase> {
  const { plan } = splits;
  const { width } = labels;
  const { yTarget } = rows;
  const cv = training.fits;
  const calibrated = await timer.run("calibration", cv.length, (h) =>
    cv.map((r) => {
      const c = calibrateOutOfFold(config.calibration, plan, yTarget, r.oof, r.holdout, width, rows.regimeIds);
      h.tick();
      return c;
    }),
  );
  const models: ModelResult[] = config.models.map((entry, i) => ({
    name: modelEntryName(entry),
    kind: entry.kind,
    oos: scoreProbabilities(yTarget, calibrated[i].oof, width, plan.rows),
    oosRaw: scoreProbabilities(yTarget, cv[i].oof, width, plan.rows),
    holdout: scoreProbabilities(yTarget, calibrated[i].holdout, width, plan.holdout),
    foldScores: cv[i].foldScores,
    oofProbs: calibrated[i].oof,
    oofRawProbs: cv[i].oof,
    holdoutProbs: calibrated[i].holdout,
    model: cv[i].finalModel,
    importance: cv[i].finalModel.featureImportance("gain"),
    shap: shapOf(cv[i].finalModel, rows.X, plan.holdout),
    fitSeconds: cv[i].fitSeconds,
    calibratedFolds: calibrated[i].calibratedFolds,
    calibrator: calibrated[i].final,
    calibrationRows: calibrated[i].finalRows,
  }));
  return { models };
}

/** Mean |SHAP| over up to about 500 holdout rows (evenly spaced); null for models without TreeSHAP. */
function shapOf(model: Model, X: FeatureMatrix, rows: Int32Array): Importance | null {
  if (!(model instanceof TreeModel) || rows.length === 0) return null;
  const step = Math.max(1, Math.floor(rows.length / 500));
  const sample = rows.filter((_, i) => i % step === 0);
  return meanAbsShap(model.shap(takeRows(X, sample)));
}
