/**
 * Phase `ensemble`: the `ensemble:` block's blend of the run's models (fitted on their
 * out-of-fold predictions, cross-fitted for its own out-of-fold score: oofBlendWeights.ts), and
 * the variant the run stands for, chosen on out-of-fold log-loss only: the holdout never picks the
 * model.
 */
import { combineMembers, memberShares } from "../../models";
import { scoreProbabilities } from "../classificationMetrics";
import type { BlendResult, ModelResult } from "../experimentResult";
import { crossFitBlend } from "../oofBlendWeights";
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
  /** The blend's notes (dominance, folds blended with equal weights), for the run's notes. */
  notes: string[];
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
  const fitted = await timer.run("ensemble", 1, () => {
    if (!config.ensemble) return null;
    const names = models.map((m) => m.name);
    const fit = crossFitBlend(
      config.ensemble,
      names,
      plan,
      yTarget,
      models.map((m) => m.oofProbs),
      width,
    );
    const holdoutProbs = combineMembers(
      fit.combiner,
      models.map((m) => m.holdoutProbs),
      width,
    );
    const result: BlendResult = {
      kind: config.ensemble.kind,
      members: names,
      weights: memberShares(fit.combiner, names.length, width),
      combiner: fit.combiner,
      crossFitted: fit.crossFitted,
      oos: scoreProbabilities(yTarget, fit.oofProbs, width, plan.rows),
      holdout: scoreProbabilities(yTarget, holdoutProbs, width, plan.holdout),
      oofProbs: fit.oofProbs,
      holdoutProbs,
    };
    return { result, notes: fit.notes };
  });
  const bestSingle = models.reduce((a, b) => (b.oos.logloss < a.oos.logloss ? b : a));
  return {
    ensemble: fitted?.result ?? null,
    bestSingle,
    selected: fitted ? "ensemble" : bestSingle.name,
    notes: fitted?.notes ?? [],
  };
}
