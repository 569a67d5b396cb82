/**
 * `logistic`: L2-regularised logistic regression, binary (one coefficient vector, P(class 1)) or
 * multinomial (softmax over K vectors), fitted by L-BFGS. Features are standardised with the
 * mean and population standard deviation of the rows passed to `fit` (the training fold), so
 * nothing of the evaluation rows leaks into the scaling. The objective is scikit-learn's
 * `LogisticRegression(C)` divided by C·Σw: ½‖W‖²/(C·Σw) + Σ wᵢ·lossᵢ/Σw (intercepts unpenalised),
 * which has the same minimiser, so coefficients match scikit-learn's on the standardised scale.
 */
import { z } from "zod";
import { lbfgs } from "./lbfgs";
import { logisticPassRunner } from "./logisticThreads";
import { softmaxRows } from "./softmax";
import type { FeatureMatrix } from "./matrix";
import {
  assertSameFeatures,
  checkLabels,
  checkWeights,
  type FitOptions,
  type FitReport,
  type Importance,
  MODEL_SCHEMA_VERSION,
  type Model,
  type SavedModel,
} from "./model";

export const logisticParamsSchema = z.strictObject({
  /** Inverse L2 strength, as scikit-learn's C. */
  C: z.number().positive().default(1),
  max_iter: z.number().int().min(1).max(1_000_000).default(1000),
  /** Convergence: max |gradient| of the (C·Σw-scaled) objective. */
  tol: z.number().positive().default(1e-10),
  standardize: z.boolean().default(true),
  /** Threads for a large fit (0 = every core); fits below ~2M values per pass use one. */
  n_threads: z.number().int().min(0).max(1024).default(0),
});

export type LogisticParams = z.output<typeof logisticParamsSchema>;

export interface SavedLogistic extends SavedModel {
  kind: "logistic";
  nClasses: number;
  mean: number[];
  scale: number[];
  /** Row-major (outputs × features), standardised scale. */
  coef: number[];
  intercept: number[];
}

export function parseLogisticParams(p: unknown, path = "logistic.params"): LogisticParams {
  const r = logisticParamsSchema.safeParse(p ?? {});
  if (!r.success) {
    throw new Error(r.error.issues.map((i) => `${[path, ...i.path].join(".")}: ${i.message}`).join("; "));
  }
  return r.data;
}

/** Throws naming the first non-finite value of feature j (logistic regression has no missing-value policy). */
function checkFiniteColumn(X: FeatureMatrix, j: number, ctx: string): void {
  const n = X.nRows;
  const col = X.data.subarray(j * n, (j + 1) * n);
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v - v !== 0) throw new Error(`${ctx}: feature "${X.names[j]}" row ${i} is ${v}, expected a finite number`);
  }
}

function checkAllFinite(X: FeatureMatrix, ctx: string): void {
  for (let j = 0; j < X.names.length; j++) checkFiniteColumn(X, j, ctx);
}

/**
 * Z = (X − mean) / sd column by column (mean and population sd of these rows, or 0 and 1
 * without standardising). One column at a time through check, mean, variance and scaling: the
 * column (n doubles) stays in cache across the four passes instead of the whole matrix
 * streaming four times.
 */
function standardise(
  X: FeatureMatrix,
  Z: Float64Array,
  standardize: boolean,
  ctx: string,
): { mean: Float64Array; scale: Float64Array } {
  const n = X.nRows;
  const F = X.names.length;
  const mean = new Float64Array(F);
  const scale = new Float64Array(F).fill(1);
  for (let j = 0; j < F; j++) {
    checkFiniteColumn(X, j, ctx);
    const col = X.data.subarray(j * n, (j + 1) * n);
    if (standardize) {
      let s = 0;
      for (let i = 0; i < n; i++) s += col[i];
      const mu = s / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (col[i] - mu) ** 2;
      const sd = Math.sqrt(v / n);
      mean[j] = mu;
      // A constant column carries no information: scale 1 leaves it all zeros after centring.
      scale[j] = sd > 0 ? sd : 1;
    }
    const mu = mean[j];
    const sd = scale[j];
    const o = j * n;
    for (let i = 0; i < n; i++) Z[o + i] = (col[i] - mu) / sd;
  }
  return { mean, scale };
}

export class LogisticModel implements Model {
  readonly kind = "logistic" as const;
  readonly params: LogisticParams;
  featureNames: string[] = [];
  nClasses = 0;
  mean = new Float64Array(0);
  scale = new Float64Array(0);
  /** Outputs × features, row-major, on the standardised scale. */
  coef = new Float64Array(0);
  intercept = new Float64Array(0);

  constructor(params: z.input<typeof logisticParamsSchema> = {}) {
    this.params = parseLogisticParams(params);
  }

  get nOutputs(): number {
    return this.nClasses === 2 ? 1 : this.nClasses;
  }

  async fit(X: FeatureMatrix, y: ArrayLike<number>, opts: FitOptions = {}): Promise<FitReport> {
    return this.fitSync(X, y, opts);
  }

  /** The synchronous fit (the stacking meta-learner and search call it inline). */
  fitSync(X: FeatureMatrix, y: ArrayLike<number>, opts: FitOptions = {}): FitReport {
    const t0 = performance.now();
    const ctx = "logistic.fit";
    const n = X.nRows;
    const F = X.names.length;
    const K = checkLabels(y, n, ctx);
    const w = checkWeights(opts.sampleWeight, n, ctx);
    const p = this.params;
    const M = K === 2 ? 1 : K;
    const D = F + 1;
    const runner = logisticPassRunner(n, F, M, p.n_threads, w !== null);
    try {
      const { Z, theta, resid, lossTerm, gradOut } = runner.shared;
      const { mean, scale } = standardise(X, Z, p.standardize, ctx);
      runner.shared.y.set(y);
      if (w) runner.shared.w.set(w);
      let wSum = n;
      if (w) wSum = w.reduce((s, v) => s + v, 0);
      runner.shared.wSum[0] = wSum;
      const lam = 1 / (p.C * wSum);
      const fg = (th: Float64Array, grad: Float64Array): number => {
        theta.set(th);
        runner.pass(0);
        // The sums over rows stay on this thread, in row order.
        let loss = 0;
        for (let i = 0; i < n; i++) loss += lossTerm[i];
        runner.pass(1);
        let pen = 0;
        for (let k = 0; k < M; k++) {
          let gb = 0;
          for (let i = 0; i < n; i++) gb += resid[k * n + i];
          grad[k * D + F] = gb;
          for (let j = 0; j < F; j++) {
            const c = th[k * D + j];
            grad[k * D + j] = gradOut[k * F + j] + lam * c;
            pen += c * c;
          }
        }
        return loss / wSum + 0.5 * lam * pen;
      };
      const res = lbfgs(fg, new Float64Array(M * D), { maxIter: p.max_iter, tol: p.tol });
      this.fitted(X.names, K, mean, scale, res.x);
      return {
        iterations: res.iterations,
        evalLogLoss: opts.eval ? [this.evalLoss(opts.eval.X, opts.eval.y)] : [],
        bestIteration: res.iterations,
        seconds: (performance.now() - t0) / 1000,
      };
    } finally {
      runner.close();
    }
  }

  private fitted(names: readonly string[], K: number, mean: Float64Array, scale: Float64Array, x: Float64Array): void {
    const F = names.length;
    const M = K === 2 ? 1 : K;
    const D = F + 1;
    this.featureNames = [...names];
    this.nClasses = K;
    this.mean = mean;
    this.scale = scale;
    this.coef = new Float64Array(M * F);
    this.intercept = new Float64Array(M);
    for (let k = 0; k < M; k++) {
      for (let j = 0; j < F; j++) this.coef[k * F + j] = x[k * D + j];
      this.intercept[k] = x[k * D + F];
    }
  }

  private evalLoss(X: FeatureMatrix, y: ArrayLike<number>): number {
    const p = this.predictProba(X);
    const M = this.nOutputs;
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const q = M === 1 ? (y[i] === 1 ? p[i] : 1 - p[i]) : p[i * M + y[i]];
      s -= Math.log(Math.max(q, 1e-15));
    }
    return s / y.length;
  }

  predictProba(X: FeatureMatrix): Float64Array {
    if (this.nClasses === 0) throw new Error("logistic.predictProba: the model is not fitted");
    assertSameFeatures(this.featureNames, X.names, "logistic.predictProba");
    checkAllFinite(X, "logistic.predictProba");
    const n = X.nRows;
    const F = this.featureNames.length;
    const M = this.nOutputs;
    const margin = new Float64Array(n * M);
    for (let k = 0; k < M; k++) {
      for (let i = 0; i < n; i++) margin[i * M + k] = this.intercept[k];
      for (let j = 0; j < F; j++) {
        const c = this.coef[k * F + j];
        const mu = this.mean[j];
        const sd = this.scale[j];
        const o = j * n;
        for (let i = 0; i < n; i++) margin[i * M + k] += c * ((X.data[o + i] - mu) / sd);
      }
    }
    if (M === 1) {
      for (let i = 0; i < n; i++) margin[i] = 1 / (1 + Math.exp(-margin[i]));
      return margin;
    }
    return softmaxRows(margin, M);
  }

  /**
   * |coefficient| on the standardised scale summed over outputs: the change in log-odds per
   * standard deviation of the feature. Both importance kinds give this (a linear model has no
   * gain or split counts).
   */
  featureImportance(): Importance {
    const F = this.featureNames.length;
    const v = new Float64Array(F);
    for (let k = 0; k < this.nOutputs; k++) for (let j = 0; j < F; j++) v[j] += Math.abs(this.coef[k * F + j]);
    return { names: this.featureNames, values: v };
  }

  toJSON(): SavedLogistic {
    return {
      schemaVersion: MODEL_SCHEMA_VERSION,
      kind: "logistic",
      featureNames: this.featureNames,
      params: this.params,
      nClasses: this.nClasses,
      mean: [...this.mean],
      scale: [...this.scale],
      coef: [...this.coef],
      intercept: [...this.intercept],
    };
  }

  static load(s: SavedLogistic): LogisticModel {
    const m = new LogisticModel(s.params as object);
    const F = s.featureNames.length;
    const M = s.nClasses === 2 ? 1 : s.nClasses;
    if (s.mean.length !== F || s.scale.length !== F || s.coef.length !== M * F || s.intercept.length !== M) {
      throw new Error(
        `logistic.load: shapes disagree: ${F} features, ${s.nClasses} classes, mean ${s.mean.length}, scale ${s.scale.length}, coef ${s.coef.length} (expected ${M * F}), intercept ${s.intercept.length} (expected ${M})`,
      );
    }
    m.featureNames = [...s.featureNames];
    m.nClasses = s.nClasses;
    m.mean = Float64Array.from(s.mean);
    m.scale = Float64Array.from(s.scale);
    m.coef = Float64Array.from(s.coef);
    m.intercept = Float64Array.from(s.intercept);
    return m;
  }
}
