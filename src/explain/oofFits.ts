/**
 * One binary model per split of a plan: fitted on the split's training rows, predicting its test
 * rows. The fitted models are kept, because every explanation here is computed on the rows a
 * model never saw: its own fold's test rows. (The experiment runner's cross-validation also
 * refits on all rows for the final holdout; an explanation does not touch the holdout.)
 */
import { logLoss } from "../calibration";
import { type FeatureMatrix, fromColumns, type Model, takeRows } from "../models";
import { aucNullStd, outOfFold, rocAuc, type SplitPlan } from "../validation";

export interface OofScore {
  /** AUC of the out-of-fold probabilities over every tested row. */
  auc: number;
  /** Spread of that AUC under no signal (Mann-Whitney, rows taken as independent). */
  nullStd: number;
  logLoss: number;
  /** Test-fold AUC per split. */
  foldAuc: number[];
  /** Tested rows and how many of them are UP (1). */
  rows: number;
  positives: number;
}

export interface OofFits {
  names: readonly string[];
  X: FeatureMatrix;
  plan: SplitPlan;
  /** The labels the models were fitted on (shuffled ones for a null run). */
  y: Float64Array;
  /** The factory the models came from (ablation and the null refit with it). */
  make: () => Model;
  /** One model per split, in plan order. */
  models: Model[];
  /** Out-of-fold P(1) per label row; NaN where no split tests the row. */
  oof: Float64Array;
  score: OofScore;
}

/** The matrix of `names` taken from a frame's columns (as `computeFeatures` returns them). */
export function matrixOf(
  frame: { names: readonly string[]; columns: readonly Float64Array[] },
  names: readonly string[],
): FeatureMatrix {
  return fromColumns(
    names,
    names.map((n) => {
      const j = frame.names.indexOf(n);
      if (j < 0) throw new Error(`matrixOf: no column ${n.slice(0, 120)} (${frame.names.length} columns)`);
      return frame.columns[j];
    }),
  );
}

function gather(y: Float64Array, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (r) => y[r]);
}

/** Rows tested by some split, in plan order (each once for a K-fold or walk-forward plan). */
export function testedRows(plan: SplitPlan): Int32Array {
  const out = new Int32Array(plan.splits.reduce((s, split) => s + split.test.length, 0));
  let k = 0;
  for (const s of plan.splits) {
    out.set(s.test, k);
    k += s.test.length;
  }
  return out;
}

/** Fits `make()` per split on `X`'s rows (label rows) with binary labels `y` (0/1, NaN absent). */
export async function fitOof(make: () => Model, X: FeatureMatrix, y: Float64Array, plan: SplitPlan): Promise<OofFits> {
  if (X.nRows !== y.length) throw new Error(`fitOof: ${X.nRows} feature rows for ${y.length} labels`);
  for (const r of testedRows(plan)) {
    if (y[r] !== 0 && y[r] !== 1) throw new Error(`fitOof: label row ${r} is ${y[r]}; explanations need 0/1 labels`);
  }
  const models: Model[] = [];
  const perSplit: Float64Array[] = [];
  const foldAuc: number[] = [];
  for (const s of plan.splits) {
    const model = make();
    await model.fit(takeRows(X, s.train), gather(y, s.train));
    if (model.nClasses !== 2) throw new Error(`fitOof: a binary model is needed, got ${model.nClasses} classes`);
    const p = model.predictProba(takeRows(X, s.test));
    models.push(model);
    perSplit.push(p);
    foldAuc.push(rocAuc(gather(y, s.test), p));
  }
  const oof = outOfFold(plan, perSplit, y.length);
  return { names: X.names, X, plan, y, make, models, oof, score: scoreOof(oof, y, plan, foldAuc) };
}

function scoreOof(oof: Float64Array, y: Float64Array, plan: SplitPlan, foldAuc: number[]): OofScore {
  const rows = testedRows(plan);
  const yRows = gather(y, rows);
  const pRows = gather(oof, rows);
  const positives = yRows.reduce((s, v) => s + v, 0);
  return {
    auc: rocAuc(yRows, pRows),
    nullStd: aucNullStd(positives, rows.length - positives),
    logLoss: logLoss(yRows, pRows),
    foldAuc,
    rows: rows.length,
    positives,
  };
}
