/**
 * A model that drops its k least important features before it fits, ranking them on its own
 * training rows: the ablation's "drop the bottom k by SHAP" step. Every fit (each fold's, and the
 * refit for the holdout) fits a ranking model on the rows it is given, ranks the columns by mean
 * |SHAP| on those rows (permutation importance on them for a model without TreeSHAP), and fits
 * the model on the kept columns. The ranking therefore never sees a row the fit is scored on:
 * ranking on out-of-fold SHAP would use the very rows the step is then evaluated on, a selection
 * on the test set.
 */
import {
  column,
  type FeatureMatrix,
  type FitOptions,
  type FitReport,
  fromColumns,
  type Importance,
  type ImportanceKind,
  type Model,
  type SavedModel,
  TreeModel,
  takeRows,
} from "../models";
import { meanAbsShap, permutationImportance } from "./importance";

/** Rows TreeSHAP ranks on (evenly spaced); exact SHAP is quadratic in depth per row and tree. */
const RANK_ROWS = 500;

function columnsOf(X: FeatureMatrix, names: readonly string[]): FeatureMatrix {
  return fromColumns(
    names,
    names.map((n) => {
      const j = X.names.indexOf(n);
      if (j < 0) throw new Error(`shapPruned: no column ${n.slice(0, 120)} in the matrix`);
      return column(X, j);
    }),
  );
}

/** Mean |SHAP| (TreeSHAP) or permutation importance of a fitted model on the rows it was fitted on. */
function trainingImportance(model: Model, X: FeatureMatrix, y: ArrayLike<number>): Importance {
  const step = Math.max(1, Math.floor(X.nRows / RANK_ROWS));
  const rows = Int32Array.from({ length: Math.ceil(X.nRows / step) }, (_, i) => i * step);
  if (model instanceof TreeModel) return meanAbsShap(model.shap(takeRows(X, rows)));
  return permutationImportance(
    model,
    takeRows(X, rows),
    Float64Array.from(rows, (r) => y[r]),
    { repeats: 1, seed: 0, metric: "logloss" },
  );
}

export class ShapPrunedModel implements Model {
  featureNames: readonly string[] = [];
  /** The columns kept by the last fit, in matrix order. */
  kept: readonly string[] = [];
  private inner: Model | null = null;

  constructor(
    private readonly make: () => Model,
    readonly dropK: number,
  ) {
    if (!(Number.isInteger(dropK) && dropK >= 1)) throw new Error(`shapPruned: k must be an integer ≥ 1, got ${dropK}`);
    this.kind = make().kind;
  }

  readonly kind: Model["kind"];

  get nClasses(): number {
    return this.inner?.nClasses ?? 0;
  }

  async fit(X: FeatureMatrix, y: ArrayLike<number>, opts?: FitOptions): Promise<FitReport> {
    if (this.dropK >= X.names.length)
      throw new Error(`shapPruned: cannot drop ${this.dropK} of ${X.names.length} features`);
    const ranker = this.make();
    await ranker.fit(X, y, opts);
    const imp = trainingImportance(ranker, X, y);
    const order = [...imp.names.keys()].sort((a, b) => imp.values[b] - imp.values[a]);
    const keep = new Set(order.slice(0, X.names.length - this.dropK));
    this.kept = X.names.filter((_, j) => keep.has(j));
    this.featureNames = X.names;
    const inner = this.make();
    const report = await inner.fit(columnsOf(X, this.kept), y, opts);
    this.inner = inner;
    return report;
  }

  predictProba(X: FeatureMatrix): Float64Array {
    return this.fitted().predictProba(columnsOf(X, this.kept));
  }

  /** The inner model's importance on every column, 0 on the dropped ones. */
  featureImportance(kind?: ImportanceKind): Importance {
    const imp = this.fitted().featureImportance(kind);
    const at = new Map(imp.names.map((n, j) => [n, imp.values[j]]));
    return { names: this.featureNames, values: Float64Array.from(this.featureNames, (n) => at.get(n) ?? 0) };
  }

  /** An ablation step is measured, never saved or served. */
  toJSON(): SavedModel {
    throw new Error("shapPruned: an ablation's pruned model is not saved; it is measured only");
  }

  private fitted(): Model {
    if (!this.inner) throw new Error("shapPruned: predict before fit");
    return this.inner;
  }
}
