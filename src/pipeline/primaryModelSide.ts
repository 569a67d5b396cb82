/**
 * `labels.primary: { model: … }`: the primary side of meta labels from another model's
 * out-of-fold predictions (docs/architecture.md, "Meta-labels and the primary signal"). The
 * primary model learns binary up/down side labels on the run's features through the same purged
 * walk-forward and final holdout the run uses; its side at a row is +1 where its out-of-fold
 * P(up) reaches `long_above`, else −1. Rows no fold tests take the final refit's holdout
 * prediction when they lie in the holdout, and have no side otherwise (the first training
 * window): never an in-sample prediction.
 */
import type { LabelsConfig, PrimaryModel } from "../labels";
import { createZooModel } from "../models";
import { crossValidate } from "./crossValidate";
import { panelPlan } from "./panel";
import { assembleRows } from "./phases/assembleRows";
import type { FeaturesPhase } from "./phases/buildFeatures";
import type { PhaseContext } from "./phases/context";
import type { DataPhase } from "./phases/loadData";
import { tickerLabels } from "./tickerLabels";

/** The primary model's side labels: up/down, over the meta labels' horizon unless given. */
function sideLabelsOf(primary: PrimaryModel, horizon: number): LabelsConfig {
  const l = primary.labels ?? { kind: "fixed_horizon", horizon };
  if (l.kind === "fixed_horizon") {
    return { kind: "fixed_horizon", horizon: l.horizon, classes: 2, scale: "absolute", class_weight: "none" };
  }
  return { kind: "triple_barrier", horizon: l.horizon, barriers: l.barriers, output: "binary", class_weight: "none" };
}

export async function primaryModelSides(
  ctx: PhaseContext,
  data: DataPhase,
  features: FeaturesPhase,
  primary: PrimaryModel,
  horizon: number,
): Promise<{ side: Float64Array[]; note: string }> {
  const { config } = ctx;
  const sideConfig = sideLabelsOf(primary, horizon);
  const sets = data.tickerBars.map((bars) => tickerLabels(sideConfig, bars));
  // The primary learns true side labels: a null run or a planted leak concern the meta model.
  const primaryCtx: PhaseContext = {
    ...ctx,
    config: { ...config, controls: { ...config.controls, shuffle_target: false, inject_leak: false } },
  };
  const rows = assembleRows(primaryCtx, data, features, {
    sets,
    classes: sets[0].classes,
    width: 1,
    primarySide: null,
    notes: [],
  });
  const plan = panelPlan(rows.panel, rows.yTarget, config.validation);
  const path = "labels.primary.model";
  const cv = await crossValidate(
    () => createZooModel({ kind: primary.model.kind, params: primary.model.params } as never, path),
    rows.X,
    rows.yTarget,
    plan,
    1,
  );
  const side = data.tickerBars.map((b) => new Float64Array(b.ts.length).fill(Number.NaN));
  const { rowTicker, rowBar } = rows.panel;
  let sided = 0;
  let long = 0;
  for (let r = 0; r < rowTicker.length; r++) {
    const p = Number.isNaN(cv.oof[r]) ? cv.holdout[r] : cv.oof[r];
    if (Number.isNaN(p)) continue;
    const s = p >= primary.long_above ? 1 : -1;
    side[rowTicker[r]][rowBar[r]] = s;
    sided++;
    if (s > 0) long++;
  }
  const auc = cv.foldScores.map((f) => f.auc).filter((a) => Number.isFinite(a));
  const meanAuc = auc.reduce((a, b) => a + b, 0) / Math.max(1, auc.length);
  return {
    side,
    note: `labels.primary.model (${primary.model.kind}): out-of-fold side on ${sided} rows (${long} long, ${sided - long} short); side labels ${sideConfig.kind} over ${sideConfig.horizon} bars, mean fold AUC ${meanAuc.toFixed(3)}`,
  };
}
