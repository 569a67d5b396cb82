/**
 * `mljs_rf`: the `ml-random-forest` package's RandomForestClassifier behind the model
 * interface, kept as a baseline for our own `rf`. Probabilities are the share of trees voting
 * for each class, counted here from `predictionValues`: the package's own `predictProbability`
 * seeds its reduce with the first tree's vote (a label, not a share), which biases it.
 */
import { RandomForestClassifier } from "ml-random-forest";
import { z } from "zod";
import type { FeatureMatrix } from "./matrix";
import {
  assertSameFeatures,
  checkLabels,
  type FitOptions,
  type FitReport,
  type Importance,
  type ImportanceKind,
  MODEL_SCHEMA_VERSION,
  type Model,
  type SavedModel,
} from "./model";

export const mljsRfParamsSchema = z.strictObject({
  n_trees: z.number().int().min(1).max(100_000).default(50),
  /** Fraction of features per tree in (0, 1], as ml-random-forest's maxFeatures. */
  max_features: z.number().gt(0).max(1).default(0.5),
  max_depth: z.number().int().min(1).max(64).default(10),
  min_samples_leaf: z.number().int().min(1).default(3),
  seed: z.number().int().default(0),
});

interface TreeNodeLike {
  splitColumn: number;
  gain: number;
  left?: TreeNodeLike;
  right?: TreeNodeLike;
}

export type MljsRfParams = z.output<typeof mljsRfParamsSchema>;

export interface SavedMljsRf extends SavedModel {
  kind: "mljs_rf";
  nClasses: number;
  forest: unknown;
}

function rowsOf(X: FeatureMatrix, ctx: string): number[][] {
  const n = X.nRows;
  const F = X.names.length;
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = new Array<number>(F);
    for (let j = 0; j < F; j++) {
      const v = X.data[j * n + i];
      if (v - v !== 0) throw new Error(`${ctx}: feature "${X.names[j]}" row ${i} is ${v}, expected a finite number`);
      r[j] = v;
    }
    rows[i] = r;
  }
  return rows;
}

export class MljsRfModel implements Model {
  readonly kind = "mljs_rf" as const;
  readonly params: MljsRfParams;
  featureNames: string[] = [];
  nClasses = 0;
  private forest: RandomForestClassifier | null = null;

  constructor(params: z.input<typeof mljsRfParamsSchema> = {}) {
    const r = mljsRfParamsSchema.safeParse(params);
    if (!r.success)
      throw new Error(r.error.issues.map((i) => `${["mljs_rf.params", ...i.path].join(".")}: ${i.message}`).join("; "));
    this.params = r.data;
  }

  async fit(X: FeatureMatrix, y: ArrayLike<number>, opts: FitOptions = {}): Promise<FitReport> {
    const t0 = performance.now();
    const ctx = "mljs_rf.fit";
    if (opts.sampleWeight) throw new Error(`${ctx}: ml-random-forest takes no sample weights`);
    const K = checkLabels(y, X.nRows, ctx);
    const p = this.params;
    const forest = new RandomForestClassifier({
      nEstimators: p.n_trees,
      maxFeatures: p.max_features,
      replacement: true,
      useSampleBagging: true,
      seed: p.seed,
      noOOB: true,
      treeOptions: { maxDepth: p.max_depth, minNumSamples: p.min_samples_leaf },
    } as never);
    forest.train(rowsOf(X, ctx), Array.from(y));
    this.forest = forest;
    this.featureNames = [...X.names];
    this.nClasses = K;
    return {
      iterations: p.n_trees,
      evalLogLoss: [],
      bestIteration: p.n_trees,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  predictProba(X: FeatureMatrix): Float64Array {
    if (!this.forest) throw new Error("mljs_rf.predictProba: the model is not fitted");
    assertSameFeatures(this.featureNames, X.names, "mljs_rf.predictProba");
    const votes = this.forest.predictionValues(rowsOf(X, "mljs_rf.predictProba"));
    const n = X.nRows;
    const T = votes.columns;
    const M = this.nClasses === 2 ? 1 : this.nClasses;
    const out = new Float64Array(n * M);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < T; t++) {
        const v = votes.get(i, t);
        if (M === 1) {
          if (v === 1) out[i] += 1;
        } else out[i * M + v] += 1;
      }
      for (let k = 0; k < M; k++) out[i * M + k] /= T;
    }
    return out;
  }

  /**
   * From the package's trees: Gini gain ("gain") or the number of splits ("split_count") per
   * feature, summed over trees (each tree's columns map back through its feature sample).
   */
  featureImportance(kind: ImportanceKind = "gain"): Importance {
    if (!this.forest) throw new Error("mljs_rf.featureImportance: the model is not fitted");
    const v = new Float64Array(this.featureNames.length);
    const f = this.forest as unknown as { estimators: { root: TreeNodeLike }[]; indexes: number[][] };
    f.estimators.forEach((est, t) => {
      const stack: TreeNodeLike[] = [est.root];
      while (stack.length > 0) {
        const node = stack.pop() as TreeNodeLike;
        if (!node.left || !node.right) continue;
        v[f.indexes[t][node.splitColumn]] += kind === "gain" ? node.gain : 1;
        stack.push(node.left, node.right);
      }
    });
    return { names: this.featureNames, values: v };
  }

  toJSON(): SavedMljsRf {
    if (!this.forest) throw new Error("mljs_rf.toJSON: the model is not fitted");
    return {
      schemaVersion: MODEL_SCHEMA_VERSION,
      kind: "mljs_rf",
      featureNames: this.featureNames,
      params: this.params,
      nClasses: this.nClasses,
      forest: this.forest.toJSON(),
    };
  }

  static load(s: SavedMljsRf): MljsRfModel {
    const m = new MljsRfModel(s.params as object);
    m.forest = RandomForestClassifier.load(s.forest as never);
    m.featureNames = [...s.featureNames];
    m.nClasses = s.nClasses;
    return m;
  }
}
