/**
 * A model fitted on some of the columns, rewritten as the same model over all of them: the
 * columns it was not fitted on get no split (trees) or a zero coefficient (logistic), so it
 * predicts exactly as before from the full matrix. Feature selection inside a training fold
 * (pipeline/foldFitter.ts) fits on the selected columns and widens the result, so the fitted
 * model is an ordinary model of its kind: it takes every column as serving, the panel
 * predictions and the python_function loader pass them, saves and loads through its kind's own
 * JSON, shares the feature list of the run's other models (an ensemble's members must), and
 * TreeSHAP gives the unselected columns exactly 0.
 */
import type { SavedLogistic } from "./logistic";
import type { Model, ModelKind } from "./model";
import type { SavedTreeModel } from "./treeModel";
import { loadAnyModel } from "./zoo";

/** Kinds whose fitted state can be rewritten over more columns. */
export const WIDENABLE_KINDS = ["gbm", "rf", "logistic"] as const satisfies readonly ModelKind[];

export function canWiden(kind: ModelKind): boolean {
  return (WIDENABLE_KINDS as readonly ModelKind[]).includes(kind);
}

/** `model` (fitted on a subset of `allNames`, in any order) as a model over `allNames`. */
export function widenColumns(model: Model, allNames: readonly string[]): Model {
  const index = new Map(allNames.map((n, j) => [n, j]));
  const to = Int32Array.from(model.featureNames, (n) => {
    const j = index.get(n);
    if (j === undefined) throw new Error(`widenColumns: ${model.kind} feature ${n} is not among the columns`);
    return j;
  });
  const saved = model.toJSON();
  if (saved.kind === "gbm" || saved.kind === "rf") {
    const s = saved as SavedTreeModel;
    return loadAnyModel({
      ...s,
      featureNames: [...allNames],
      trees: s.trees.map((t) => ({ ...t, feature: t.feature.map((f) => (f < 0 ? f : to[f])) })),
    } as SavedTreeModel);
  }
  if (saved.kind === "logistic") {
    const s = saved as SavedLogistic;
    const F = allNames.length;
    const f = s.featureNames.length;
    const M = s.intercept.length;
    // Zero coefficient on a standardised column that is never read: mean 0, scale 1 keep it finite.
    const mean = new Array<number>(F).fill(0);
    const scale = new Array<number>(F).fill(1);
    const coef = new Array<number>(M * F).fill(0);
    for (let j = 0; j < f; j++) {
      mean[to[j]] = s.mean[j];
      scale[to[j]] = s.scale[j];
      for (let k = 0; k < M; k++) coef[k * F + to[j]] = s.coef[k * f + j];
    }
    return loadAnyModel({ ...s, featureNames: [...allNames], mean, scale, coef } as SavedLogistic);
  }
  throw new Error(
    `widenColumns: a ${model.kind} model cannot be rewritten over more columns (only ${WIDENABLE_KINDS.join(", ")})`,
  );
}
