/**
 * Phase `splits`: the purged, embargoed folds and the final holdout, and the workload check
 * (refuses a run whose fits would take unreasonably long before any of them starts).
 */
import type { SplitPlan } from "../../validation";
import { ExperimentError } from "../experimentResult";
import { panelPlan } from "../panel";
import { checkWorkload } from "../workEstimate";
import type { LabelsPhase } from "./buildLabels";
import type { PhaseContext } from "./context";
import type { RowsPhase } from "./assembleRows";

export interface SplitsPhase {
  plan: SplitPlan;
}

export async function planSplits(
  { config, timer }: PhaseContext,
  labels: LabelsPhase,
  rows: RowsPhase,
): Promise<SplitsPhase> {
  const plan = await timer.run("splits", 1, () => panelPlan(rows.panel, rows.yTarget, config.validation));
  if (plan.holdout.length === 0) {
    throw new ExperimentError("validation.final_holdout", "no final holdout is reserved; set one (e.g. P2Y)");
  }
  checkWorkload(
    config.models,
    {
      rows: rows.panel.ts.length,
      features: rows.cols.names.length,
      classes: labels.classes.length,
      fits: plan.splits.length + 1,
    },
    config.controls.shuffled_labels ? 1 : 0,
  );
  return { plan };
}
