/**
 * `reference_profile.json` of a run's variant (monitoring/referenceProfile.ts), saved beside its
 * `model.json` and `calibration.json` by the `reference profile` record step. Its window is the
 * rows the final model was fitted on (every labelled row before the final holdout, `plan.rows`),
 * its prediction distribution the variant's calibrated probabilities on the final holdout (what
 * the final, served model gives out of sample; without a final holdout, the out-of-fold ones on
 * the window, rows no fold tested counted as missing), its baseline
 * the variant's out-of-sample accuracy and ECE (the run's `<variant>.oos_accuracy` / `oos_ece`).
 *
 * Top features by mean |SHAP| (on holdout rows, as the run's SHAP summary): a single model's own;
 * for the ensemble, the members' mean |SHAP| weighted by their blend weights, over the members
 * that have TreeSHAP (an upper bound of the blend's own mean |SHAP| per feature, which the run
 * does not compute); null when no member has SHAP.
 */
import type { Importance } from "../models";
import {
  buildReferenceProfile,
  featureProfiles,
  type ReferenceProfile,
  type WindowFeatureProfiles,
} from "../monitoring";
import type { BlendResult, ExperimentResult } from "./experimentResult";
import type { Panel } from "./panel";

/** The training window's columns of `featureNames` (rows of the panel), named in errors by `where`. */
export function windowColumns(
  panel: Panel,
  rows: Int32Array,
  featureNames: readonly string[],
  where: string,
): Float64Array[] {
  return featureNames.map((name) => {
    const i = panel.names.indexOf(name);
    if (i < 0) throw new Error(`${where}: feature ${name} is not a panel column`);
    const c = panel.columns[i];
    const out = new Float64Array(rows.length);
    for (let j = 0; j < rows.length; j++) out[j] = c[rows[j]];
    return out;
  });
}

/** The training window's first and last bar, ISO. */
export function windowOf(panel: Panel, rows: Int32Array): { start: string; end: string } {
  if (rows.length === 0) throw new Error("reference profile: the training window has no rows");
  return {
    start: new Date(panel.ts[rows[0]]).toISOString(),
    end: new Date(panel.ts[rows[rows.length - 1]]).toISOString(),
  };
}

/** Feature names by importance value, highest first (ties in name order). */
export function rankedNames(imp: Importance): string[] {
  return Array.from(imp.values.keys())
    .sort((a, b) => imp.values[b] - imp.values[a] || imp.names[a].localeCompare(imp.names[b]))
    .map((i) => imp.names[i]);
}

function ensembleShapRanking(r: ExperimentResult, e: BlendResult): string[] | null {
  const total = new Map<string, number>();
  let any = false;
  e.members.forEach((name, k) => {
    const shap = r.models.find((m) => m.name === name)?.shap;
    if (!shap) return;
    any = true;
    shap.names.forEach((f, j) => {
      total.set(f, (total.get(f) ?? 0) + e.weights[k] * shap.values[j]);
    });
  });
  if (!any) return null;
  const names = [...total.keys()];
  return rankedNames({ names, values: Float64Array.from(names, (n) => total.get(n) as number) });
}

/** What the profile reads of a variant: its features, out-of-fold probabilities and scores, its SHAP ranking. */
function variantParts(r: ExperimentResult, variant: string, where: string) {
  if (variant === "ensemble") {
    const e = r.ensemble;
    if (!e) throw new Error(`${where}: the run has no ensemble`);
    const first = r.models.find((m) => m.name === e.members[0]);
    if (!first) throw new Error(`${where}: ensemble member ${e.members[0]} is not among the run's models`);
    return {
      featureNames: first.model.featureNames,
      oof: e.oofProbs,
      holdout: e.holdoutProbs,
      oos: e.oos,
      top: ensembleShapRanking(r, e),
    };
  }
  const m = r.models.find((x) => x.name === variant);
  if (!m) throw new Error(`${where}: the run has no model named ${variant}`);
  return {
    featureNames: m.model.featureNames,
    oof: m.oofProbs,
    holdout: m.holdoutProbs,
    oos: m.oos,
    top: m.shap ? rankedNames(m.shap) : null,
  };
}

/**
 * The window's feature profiles already built for a run, by the feature names (joined): its
 * variants mostly share their columns, and profiling 200 columns is most of a profile's cost.
 */
export type SharedFeatureProfiles = Map<string, WindowFeatureProfiles>;

/**
 * The profile of `variant` ("ensemble" or a model's name) of a finished run; `shared` (one per
 * run) lets the run's variants reuse the feature profiles of the same columns.
 */
export function variantReferenceProfile(
  r: ExperimentResult,
  variant: string,
  shared: SharedFeatureProfiles = new Map(),
): ReferenceProfile {
  const where = `reference profile of ${variant}`;
  const { featureNames, oof, holdout, oos, top } = variantParts(r, variant, where);
  const rows = r.plan.rows;
  // What the served model emits out of sample: the final model's own predictions on the final
  // holdout. Out-of-fold predictions come from fold models fitted on shorter windows, whose
  // distribution differs from the refit's on an unchanged market (a false prediction drift).
  const [scored, source] = r.plan.holdout.length > 0 ? [r.plan.holdout, holdout] : [rows, oof];
  const probs = new Float64Array(scored.length * r.width);
  scored.forEach((row, j) => {
    for (let c = 0; c < r.width; c++) probs[j * r.width + c] = source[row * r.width + c];
  });
  const key = featureNames.join("\n");
  let features = shared.get(key);
  if (!features) {
    features = featureProfiles(featureNames, windowColumns(r.panel, rows, featureNames, where));
    shared.set(key, features);
  }
  return buildReferenceProfile({
    variant,
    window: windowOf(r.panel, rows),
    features,
    probabilities: { values: probs, width: r.width },
    baseline: { accuracy: oos.accuracy, ece: oos.ece, rows: oos.rows },
    topFeatures: top,
  });
}
