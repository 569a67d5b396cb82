/**
 * Phase `ensemble`: the `ensemble:` block's blend of the run's models (weights fitted on their
 * out-of-fold predictions), and the variant the run stands for, chosen on out-of-fold log-loss
 * only: the holdout never picks the model.
 */
import { scoreProbabilities } from "../classificationMetrics";
import type { BlendResult, ModelResult } from "../experimentResult";
import { blendProbabilities, fitOofBlendWeights } from "../oofBlendWeights";
import type { LabelsPhase } from "./buildLabels";
import type { CalibrationPhase } from "./calibrateModels";
import type { PhaseContext } from "./context";
import type { RowsPhase } from "./assembleRows";
import type { SplitsPhase } from "./planSplits";

export interface BlendPhase {
  ensemble: BlendResult | null;
  /** The single model with the lowest out-of-fold log-loss (the control's default model). */
  bestSingle: ModelResult;
  /** The variant the run stands for (registered on promotion): "ensemble" or a model's name. */
  selected: string;
}

export async function blend(
  { config, timer }: PhaseContext,
  labels: LabelsPhase,
  rows: RowsPhase,
  splits: SplitsPhase,
  calibration: CalibrationPhase,
): Promise<BlendPhase> {
  const { models } = calibration;
  const { plan } = splits;
  const { width } = labels;
  const { yTarget } = rows;
  const ensemble = await timer.run("ensemble", 1, () => {
    if (!config.ensemble) return null;
    const weights = fitOofBlendWeights(
      yTarget,
      models.map((m) => m.oofProbs),
      width,
      config.ensemble.kind,
    );
    const oofProbs = blendProbabilities(
      models.map((m) => m.oofProbs),
      weights,
    );
    const holdoutProbs = blendProbabilities(
      models.map((m) => m.holdoutProbs),
      weights,
    );
    return {
      members: models.map((m) => m.name),
      weights,
      oos: scoreProbabilities(yTarget, oofProbs, width, plan.rows),
      holdout: scoreProbabilities(yTarget, holdoutProbs, width, plan.holdout),
      oofProbs,
      holdoutProbs,
    };
  });
  const bestSingle = models.reduce((a, b) => (b.oos.logloss < a.oos.logloss ? b : a));
  return { ensemble, bestSingle, selected: ensemble ? "ensemble" : bestSingle.name };
}
