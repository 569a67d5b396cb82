/** Phase `training`: every model through every fold (out-of-fold predictions), then the refit for the holdout. */
import { type CrossValidated, crossValidate } from "../crossValidate";
import { createModel } from "../modelFactory";
import { trainingWeigher } from "../trainingWeigher";
import type { LabelsPhase } from "./buildLabels";
import type { PhaseContext } from "./context";
import type { RowsPhase } from "./assembleRows";
import type { SplitsPhase } from "./planSplits";

export interface TrainingPhase {
  /** One per `models:` entry, in config order. */
  fits: CrossValidated[];
}

export async function fitModels(
  { config, timer }: PhaseContext,
  labels: LabelsPhase,
  rows: RowsPhase,
  splits: SplitsPhase,
): Promise<TrainingPhase> {
  const { plan } = splits;
  const weigh = trainingWeigher(config, rows.panel, labels.sets, labels.classes.length);
  const fits = await timer.run("training", config.models.length * (plan.splits.length + 1), async (h) => {
    const out: CrossValidated[] = [];
    for (const [i, entry] of config.models.entries()) {
      out.push(
        await crossValidate(() => createModel(entry, i), rows.X, rows.yTarget, plan, labels.width, {
          onFold: () => h.tick(),
          weigh,
        }),
      );
    }
    return out;
  });
  return { fits };
}
