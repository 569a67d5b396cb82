/**
 * Importance of a cross-validated model on out-of-fold rows only: each split's model is
 * explained on its own test rows, and the per-split values are averaged with test-row weights,
 * so every tested row counts once whichever fold it fell in.
 */
import type { FeatureMatrix, Importance, Model, ShapValues } from "../models";
import { takeRows } from "../models";
import { meanAbsShap, type PermutationOptions, permutationImportance } from "./importance";
import type { OofFits } from "./oofFits";

/** Per-split importances (same names, plan order) averaged with weights ∝ each split's test rows. */
export function foldWeighted(perSplit: readonly Importance[], testRows: readonly number[]): Importance {
  if (perSplit.length === 0 || perSplit.length !== testRows.length)
    throw new Error(`foldWeighted: ${perSplit.length} importances for ${testRows.length} splits`);
  const names = perSplit[0].names;
  const total = testRows.reduce((s, n) => s + n, 0);
  const values = new Float64Array(names.length);
  perSplit.forEach((imp, k) => {
    if (imp.names.length !== names.length || imp.names.some((n, j) => n !== names[j]))
      throw new Error(`foldWeighted: split ${k} explains other columns than split 0`);
    for (let j = 0; j < values.length; j++) values[j] += (imp.values[j] * testRows[k]) / total;
  });
  return { names, values };
}

type ShapModel = Model & { shap(X: FeatureMatrix): ShapValues };

function hasTreeShap(m: Model): m is ShapModel {
  return typeof (m as Partial<ShapModel>).shap === "function";
}

/** Mean |SHAP| (exact TreeSHAP, margin scale) on each split's test rows, fold-weighted. */
export function oofShapImportance(fits: OofFits): Importance {
  const per = fits.plan.splits.map((s, k) => {
    const model = fits.models[k];
    if (!hasTreeShap(model)) throw new Error(`oofShapImportance: a ${model.kind} model has no TreeSHAP`);
    return meanAbsShap(model.shap(takeRows(fits.X, s.test)));
  });
  return foldWeighted(
    per,
    fits.plan.splits.map((s) => s.test.length),
  );
}

/**
 * Permutation importance (score drop when one column is shuffled within the test fold) of each
 * split's model on its own test rows against the labels it was fitted on, fold-weighted.
 */
export function oofPermutationImportance(fits: OofFits, opts: PermutationOptions = {}): Importance {
  const per = fits.plan.splits.map((s, k) =>
    permutationImportance(
      fits.models[k],
      takeRows(fits.X, s.test),
      Float64Array.from(s.test, (r) => fits.y[r]),
      opts,
    ),
  );
  return foldWeighted(
    per,
    fits.plan.splits.map((s) => s.test.length),
  );
}
