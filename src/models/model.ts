/**
 * The contract every model kind implements (`gbm`, `rf`, `mljs_rf`, `logistic`, `lstm`,
 * `ensemble`): fit on a FeatureMatrix and class labels 0..K−1, predict probabilities, report
 * importance, save to JSON and load back with identical predictions. How a kind is declared
 * (its row in the kinds table, kinds.ts) is `KindRow`.
 */
import type { z } from "zod";
import type { FeatureMatrix } from "./matrix";
import type { KindWork, WorkShape } from "./workCost";

/** The kinds' names; kinds.ts's table must have exactly one row for each. */
export const MODEL_KINDS = ["gbm", "rf", "mljs_rf", "logistic", "lstm", "ensemble"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Saved-model JSON layout version; loaders refuse other versions. */
export const MODEL_SCHEMA_VERSION = 1;

export interface EvalSet {
  X: FeatureMatrix;
  y: ArrayLike<number>;
  sampleWeight?: ArrayLike<number>;
}

export interface FitOptions {
  sampleWeight?: ArrayLike<number>;
  /** Held-out data for early stopping and the eval curve; never used to fit trees. */
  eval?: EvalSet;
}

export interface FitReport {
  /** Trees (or epochs) kept. */
  iterations: number;
  /** Eval-set log-loss per iteration when an eval set was given. */
  evalLogLoss: number[];
  bestIteration: number;
  seconds: number;
}

export type ImportanceKind = "gain" | "split_count";

export interface Importance {
  names: readonly string[];
  values: Float64Array;
}

export interface SavedModel {
  schemaVersion: number;
  kind: ModelKind;
  featureNames: string[];
  params: unknown;
}

export interface Model {
  readonly kind: ModelKind;
  /** Feature names in the column order the model was fitted on (empty before fit). */
  readonly featureNames: readonly string[];
  /** Number of classes seen in fit (2 for binary). */
  readonly nClasses: number;
  fit(X: FeatureMatrix, y: ArrayLike<number>, opts?: FitOptions): Promise<FitReport>;
  /**
   * Probabilities, row-major n × nOutputs: binary models give one column, P(class 1);
   * multiclass models one column per class.
   */
  predictProba(X: FeatureMatrix): Float64Array;
  featureImportance(kind?: ImportanceKind): Importance;
  toJSON(): SavedModel;
}

/** Throws unless `actual` has exactly `expected`'s names in the same order, showing the difference. */
export function assertSameFeatures(expected: readonly string[], actual: readonly string[], context: string): void {
  if (expected.length === actual.length && expected.every((n, i) => n === actual[i])) return;
  const exp = new Set(expected);
  const act = new Set(actual);
  const missing = expected.filter((n) => !act.has(n));
  const extra = actual.filter((n) => !exp.has(n));
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing: ${missing.join(", ")}`);
  if (extra.length > 0) parts.push(`unexpected: ${extra.join(", ")}`);
  if (missing.length === 0 && extra.length === 0) {
    const moved = expected
      .map((n, i) => (actual[i] !== n ? `${n} at ${actual.indexOf(n)} (expected ${i})` : ""))
      .filter((s) => s !== "");
    parts.push(`order differs: ${moved.join(", ")}`);
  }
  throw new Error(`${context}: feature names differ from the model's (${parts.join("; ")})`);
}

/** Validates class labels 0..K−1 (integers, all present); returns K. */
export function checkLabels(y: ArrayLike<number>, nRows: number, context: string): number {
  if (y.length !== nRows) throw new Error(`${context}: y has ${y.length} labels for ${nRows} rows`);
  if (nRows === 0) throw new Error(`${context}: no rows to fit`);
  let max = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0) throw new Error(`${context}: y[${i}] = ${v}, expected a class label 0, 1, …`);
    if (v > max) max = v;
  }
  const seen = new Uint8Array(max + 1);
  for (let i = 0; i < y.length; i++) seen[y[i]] = 1;
  const absent = [...seen.keys()].filter((k) => seen[k] === 0);
  if (max === 0) throw new Error(`${context}: y holds one class only (0); need at least two classes`);
  if (absent.length > 0)
    throw new Error(`${context}: classes ${absent.join(", ")} never occur in y (labels must be 0..${max})`);
  return max + 1;
}

/** Validates optional sample weights (finite, ≥ 0, not all zero). */
export function checkWeights(w: ArrayLike<number> | undefined, nRows: number, context: string): Float64Array | null {
  if (w === undefined) return null;
  if (w.length !== nRows) throw new Error(`${context}: sampleWeight has ${w.length} values for ${nRows} rows`);
  let s = 0;
  for (let i = 0; i < nRows; i++) {
    if (!(w[i] >= 0) || !Number.isFinite(w[i]))
      throw new Error(`${context}: sampleWeight[${i}] = ${w[i]}, expected a finite value >= 0`);
    s += w[i];
  }
  if (s === 0) throw new Error(`${context}: sampleWeight sums to 0`);
  return Float64Array.from(w);
}

/** What the rest of the project may rely on a kind for. */
export interface KindCapabilities {
  /** Exact TreeSHAP values (the tree engine's `shap`). */
  treeShap: boolean;
  /** Fits K > 2 classes; otherwise binary labels only. */
  multiClass: boolean;
  /** Reads windows of consecutive rows, which only a single ticker's rows are. */
  needsSequences: boolean;
  /** Its fit honours `FitOptions.sampleWeight` (`labels.class_weight` needs it). */
  sampleWeights: boolean;
  /** src/tracking/pyfunc/wsp_pyfunc.py implements it: its logged model gets MLflow's python_function flavor. */
  pyfunc: boolean;
}

/** One row of the kinds table: everything the project knows about a kind, by its `kind` name. */
export interface KindRow<S extends z.ZodType = z.ZodType> {
  /** The `params:` of a spec, defaults and bounds included (each model's file defines its own). */
  params: S;
  /** An unfitted model; `path` names the spec in errors (`models[1]`). */
  create(params: z.output<S>, path: string): Model;
  /** The model back from its saved JSON (`kind` already checked); `path` names it in errors. */
  load(saved: SavedModel, path: string): Model;
  capabilities: KindCapabilities;
  /** Rough training time and memory of one config entry (null: the kind is no config entry). */
  work: ((params: z.output<S>, shape: WorkShape, path: string) => KindWork) | null;
}

/** A row with its params type inferred for `create` and `work`. */
export function kindRow<S extends z.ZodType>(row: KindRow<S>): KindRow<S> {
  return row;
}

/** Formats zod issues as `path.to.field: message` under `path`. */
export function issuesAt(error: z.ZodError, path: string): string {
  return error.issues.map((i) => `${[path, ...i.path].filter((s) => s !== "").join(".")}: ${i.message}`).join("; ");
}
