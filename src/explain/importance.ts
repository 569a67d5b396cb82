/**
 * Global importance of one fitted model beyond split gain (which TreeModel.featureImportance
 * gives): mean |SHAP| and permutation importance on held-out data (the score drop when one
 * column is shuffled). oofImportance.ts runs them on every fold's test rows.
 */
import { type FeatureMatrix, type Importance, logLoss, type Model, type ShapValues } from "../models";
import { rocAuc } from "../validation";

/** Mean |phi| per feature, summed over outputs. */
export function meanAbsShap(s: ShapValues): Importance {
  const F = s.names.length;
  const k = s.nOutputs;
  const values = new Float64Array(F);
  const n = s.values.length / (k * (F + 1));
  for (let i = 0; i < n * k; i++) {
    const o = i * (F + 1);
    for (let f = 0; f < F; f++) values[f] += Math.abs(s.values[o + f]);
  }
  for (let f = 0; f < F; f++) values[f] /= n;
  return { names: s.names, values };
}

export interface PermutationOptions {
  /** "auc" (binary only) or "logloss"; importance = score drop (higher = more important). */
  metric?: "auc" | "logloss";
  repeats?: number;
  seed?: number;
}

/**
 * Permutation importance of a fitted model on held-out rows (pass out-of-fold or test data,
 * never the training rows). Each column is shuffled `repeats` times with a seeded shuffle.
 */
export function permutationImportance(
  model: Model,
  X: FeatureMatrix,
  y: ArrayLike<number>,
  opts: PermutationOptions = {},
): Importance & { baseline: number } {
  const metric = opts.metric ?? (model.nClasses === 2 ? "auc" : "logloss");
  if (metric === "auc" && model.nClasses !== 2)
    throw new Error(`permutationImportance: metric "auc" needs a binary model, this one has ${model.nClasses} classes`);
  const repeats = opts.repeats ?? 3;
  // Higher is better for both, so the importance is baseline − permuted.
  const score = (p: Float64Array) => (metric === "auc" ? rocAuc(y, p) : -logLoss(y, p));
  const baseline = score(model.predictProba(X));
  if (Number.isNaN(baseline))
    throw new Error(`permutationImportance: the rows hold one class only, so the AUC is undefined`);
  const n = X.nRows;
  const work = { nRows: n, names: X.names, data: Float64Array.from(X.data) };
  const values = new Float64Array(X.names.length);
  let state = (opts.seed ?? 0) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let f = 0; f < X.names.length; f++) {
    const col = work.data.subarray(f * n, (f + 1) * n);
    let drop = 0;
    for (let r = 0; r < repeats; r++) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = col[i];
        col[i] = col[j];
        col[j] = t;
      }
      drop += baseline - score(model.predictProba(work));
    }
    col.set(X.data.subarray(f * n, (f + 1) * n));
    values[f] = drop / repeats;
  }
  return { names: X.names, values, baseline };
}
