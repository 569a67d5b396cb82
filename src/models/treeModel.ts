/**
 * What `gbm` and `rf` share once fitted: a TreeEnsemble, feature names, prediction, SHAP,
 * importance and the saved JSON layout. Subclasses implement `fit` and `kind`.
 */
import { type Link, marginToProba, predictMargin, type TreeEnsemble } from "./treeEnsemble";
import { type FeatureMatrix, nonFiniteCounts } from "./matrix";
import {
  assertSameFeatures,
  type FitOptions,
  type FitReport,
  type Importance,
  type ImportanceKind,
  MODEL_SCHEMA_VERSION,
  type Model,
  type ModelKind,
  type SavedModel,
} from "./model";
import type { Tree } from "./tree";
import { type ShapValues, treeShap, treeShapParallel } from "./treeshap";

export type MissingPolicy = "error" | "learn";

export interface SavedTree {
  feature: number[];
  threshold: number[];
  defaultLeft: number[];
  left: number[];
  right: number[];
  value: number[];
  cover: number[];
  gain: number[];
}

export interface SavedTreeModel extends SavedModel {
  nClasses: number;
  link: Link;
  baseScore: number[];
  treeOutput: number[];
  trees: SavedTree[];
}

/** NaN/±Infinity in X: an error naming columns and counts unless missing values are learned. */
export function checkFinite(X: FeatureMatrix, policy: MissingPolicy, context: string): void {
  if (policy === "learn") return;
  const bad = nonFiniteCounts(X);
  if (bad.length === 0) return;
  throw new Error(
    `${context}: non-finite values (NaN/±Infinity) in ${bad.map((b) => `${b.name} (${b.count})`).join(", ")}; ` +
      `set params.missing = "learn" to learn a default direction for them`,
  );
}

export abstract class TreeModel<P extends { missing: MissingPolicy; n_threads: number }> implements Model {
  abstract readonly kind: ModelKind;
  featureNames: readonly string[] = [];
  nClasses = 0;
  treeEnsemble: TreeEnsemble | null = null;
  readonly params: P;

  constructor(params: P) {
    this.params = params;
  }

  abstract fit(X: FeatureMatrix, y: ArrayLike<number>, opts?: FitOptions): Promise<FitReport>;

  protected fitted(context: string): TreeEnsemble {
    if (this.treeEnsemble === null) throw new Error(`${this.kind}.${context}: the model is not fitted`);
    return this.treeEnsemble;
  }

  protected checkInput(X: FeatureMatrix, context: string): TreeEnsemble {
    const e = this.fitted(context);
    assertSameFeatures(this.featureNames, X.names, `${this.kind}.${context}`);
    checkFinite(X, this.params.missing, `${this.kind}.${context}`);
    return e;
  }

  /** Raw margins (log-odds for gbm, probability for rf), row-major n × nOutputs. */
  predictMargin(X: FeatureMatrix): Float64Array {
    return predictMargin(this.checkInput(X, "predictMargin"), X);
  }

  predictProba(X: FeatureMatrix): Float64Array {
    const e = this.checkInput(X, "predictProba");
    return marginToProba(e, predictMargin(e, X));
  }

  /** Exact TreeSHAP on the margin scale; `parallel` spreads rows over worker threads. */
  shap(X: FeatureMatrix): ShapValues {
    return treeShap(this.checkInput(X, "shap"), X);
  }

  shapParallel(X: FeatureMatrix, nThreads = this.params.n_threads): Promise<ShapValues> {
    return treeShapParallel(this.checkInput(X, "shap"), X, nThreads);
  }

  /** Split-gain importance (total loss reduction per feature) or split counts. */
  featureImportance(kind: ImportanceKind = "gain"): Importance {
    const e = this.fitted("featureImportance");
    const values = new Float64Array(this.featureNames.length);
    for (const t of e.trees) {
      for (let i = 0; i < t.feature.length; i++) {
        if (t.feature[i] >= 0) values[t.feature[i]] += kind === "gain" ? t.gain[i] : 1;
      }
    }
    return { names: this.featureNames, values };
  }

  toJSON(): SavedTreeModel {
    const e = this.fitted("toJSON");
    return {
      schemaVersion: MODEL_SCHEMA_VERSION,
      kind: this.kind,
      featureNames: [...this.featureNames],
      params: this.params,
      nClasses: this.nClasses,
      link: e.link,
      baseScore: [...e.baseScore],
      treeOutput: [...e.treeOutput],
      trees: e.trees.map((t: Tree) => ({
        feature: [...t.feature],
        threshold: [...t.threshold],
        defaultLeft: [...t.defaultLeft],
        left: [...t.left],
        right: [...t.right],
        value: [...t.value],
        cover: [...t.cover],
        gain: [...t.gain],
      })),
    };
  }

  /** Restores a fitted state saved by toJSON (used by loadModel after schema validation). */
  restore(s: SavedTreeModel): this {
    this.featureNames = [...s.featureNames];
    this.nClasses = s.nClasses;
    this.treeEnsemble = {
      trees: s.trees.map((t) => ({
        feature: Int32Array.from(t.feature),
        threshold: Float64Array.from(t.threshold),
        defaultLeft: Uint8Array.from(t.defaultLeft),
        left: Int32Array.from(t.left),
        right: Int32Array.from(t.right),
        value: Float64Array.from(t.value),
        cover: Float64Array.from(t.cover),
        gain: Float64Array.from(t.gain),
      })),
      treeOutput: Int32Array.from(s.treeOutput),
      nOutputs: s.baseScore.length,
      baseScore: Float64Array.from(s.baseScore),
      link: s.link,
    };
    return this;
  }
}
