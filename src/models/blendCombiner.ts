/**
 * How a blend turns its members' probabilities into one prediction, fitted on out-of-fold member
 * probabilities (row-major n × width per member; width 1 is P(class 1) of a binary label):
 *
 * - `linear`: a weighted sum of the members with non-negative weights summing to one, so the blend
 *   of probabilities is a probability (log-loss simplex weights, ridge, equal or fixed weights);
 * - `stacking`: a `logistic` meta-model (logistic.ts) whose inputs are the members' probabilities,
 *   member-major (`m<m>_p<c>`): one column per member for binary labels, all K class columns per
 *   member for K classes (a multinomial logistic regression on every member's class probabilities,
 *   as scikit-learn's StackingClassifier does; each member's columns sum to one, which the L2
 *   penalty keeps identifiable).
 *
 * Both serialise (`combinerToJSON`) so a saved blend predicts what the run predicted.
 */
import { LogisticModel, type LogisticParams, type SavedLogistic } from "./logistic";
import { type FeatureMatrix, fromColumns } from "./matrix";

export type BlendCombiner =
  | { readonly kind: "linear"; readonly weights: Float64Array }
  | { readonly kind: "stacking"; readonly meta: LogisticModel };

export type SavedCombiner = { kind: "linear"; weights: number[] } | { kind: "stacking"; meta: SavedLogistic };

/** Stacking inputs: member m's probability columns, named m<m>_p<c>. */
export function metaFeatures(P: readonly Float64Array[], n: number, width: number): FeatureMatrix {
  const names: string[] = [];
  const cols: Float64Array[] = [];
  P.forEach((p, m) => {
    for (let c = 0; c < width; c++) {
      names.push(`m${m}_p${c}`);
      cols.push(Float64Array.from({ length: n }, (_, i) => p[i * width + c]));
    }
  });
  return fromColumns(names, cols);
}

/** The blend of the members' probabilities; NaN on rows where any member is NaN. */
export function combineMembers(c: BlendCombiner, P: readonly Float64Array[], width: number): Float64Array {
  const n = P[0].length / width;
  if (c.kind === "linear") {
    const out = new Float64Array(P[0].length);
    for (let i = 0; i < out.length; i++) {
      let s = 0;
      for (let m = 0; m < P.length; m++) s += c.weights[m] * P[m][i];
      out[i] = s;
    }
    return out;
  }
  const out = new Float64Array(n * width).fill(Number.NaN);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (P.every((p) => !Number.isNaN(p[i * width]))) rows.push(i);
  if (rows.length === 0) return out;
  const sub = P.map((p) => {
    const s = new Float64Array(rows.length * width);
    rows.forEach((r, j) => {
      for (let k = 0; k < width; k++) s[j * width + k] = p[r * width + k];
    });
    return s;
  });
  const q = c.meta.predictProba(metaFeatures(sub, rows.length, width));
  rows.forEach((r, j) => {
    for (let k = 0; k < width; k++) out[r * width + k] = q[j * width + k];
  });
  return out;
}

/**
 * Each member's share of the blend: the linear weights; for stacking, the member's share of the
 * meta-model's absolute coefficients on the standardised scale (its columns, every output). A
 * summary for reports, dominance and weighting member SHAP; the prediction is the meta-model's.
 */
export function memberShares(c: BlendCombiner, members: number, width: number): Float64Array {
  if (c.kind === "linear") return Float64Array.from(c.weights);
  const imp = c.meta.featureImportance().values;
  const out = new Float64Array(members);
  for (let m = 0; m < members; m++) for (let k = 0; k < width; k++) out[m] += imp[m * width + k];
  const total = out.reduce((a, b) => a + b, 0);
  return total > 0 ? out.map((v) => v / total) : out.fill(1 / members);
}

/**
 * Ridge regression of the labels on the members' probabilities, `‖t − Pw‖² + α‖w‖²` over every
 * row and class column (t the one-hot label; binary: the label itself), no intercept, w ≥ 0:
 * scikit-learn's `Ridge(alpha, fit_intercept=False, positive=True)` on the stacked columns. The
 * raw coefficients; a blend uses them normalised to sum one (`ridgeBlendWeights`).
 */
export function fitRidgeCoefficients(
  P: readonly Float64Array[],
  y: ArrayLike<number>,
  width: number,
  alpha: number,
): Float64Array {
  const M = P.length;
  const n = y.length;
  const G = new Float64Array(M * M);
  const b = new Float64Array(M);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < width; c++) {
      const t = width === 1 ? y[i] : y[i] === c ? 1 : 0;
      for (let a = 0; a < M; a++) {
        const pa = P[a][i * width + c];
        b[a] += pa * t;
        for (let q = 0; q < M; q++) G[a * M + q] += pa * P[q][i * width + c];
      }
    }
  }
  for (let a = 0; a < M; a++) G[a * M + a] += alpha;
  return nonNegativeQuadratic(G, b, M);
}

/** Ridge coefficients normalised to sum one (equal weights if every coefficient is zero). */
export function ridgeBlendWeights(coef: Float64Array): Float64Array {
  const s = coef.reduce((a, v) => a + v, 0);
  return s > 0 ? coef.map((v) => v / s) : new Float64Array(coef.length).fill(1 / coef.length);
}

/**
 * argmin ½wᵀGw − bᵀw subject to w ≥ 0 (G symmetric positive definite): projected coordinate
 * descent finds the support, then the equations on that support are solved exactly and kept
 * when the result satisfies the optimality conditions (it does once the support is right).
 */
function nonNegativeQuadratic(G: Float64Array, b: Float64Array, M: number): Float64Array {
  const w = new Float64Array(M);
  for (let sweep = 0; sweep < 10_000; sweep++) {
    let change = 0;
    for (let j = 0; j < M; j++) {
      let r = b[j];
      for (let k = 0; k < M; k++) if (k !== j) r -= G[j * M + k] * w[k];
      const next = Math.max(0, r / G[j * M + j]);
      change = Math.max(change, Math.abs(next - w[j]));
      w[j] = next;
    }
    if (change < 1e-15) break;
  }
  const support = [...w.keys()].filter((j) => w[j] > 0);
  if (support.length === 0) return w;
  const S = support.length;
  const exact = solve(
    Float64Array.from({ length: S * S }, (_, i) => G[support[Math.floor(i / S)] * M + support[i % S]]),
    Float64Array.from(support, (j) => b[j]),
    S,
  );
  const polished = new Float64Array(M);
  support.forEach((j, i) => {
    polished[j] = exact[i];
  });
  // KKT: positive on the support, and no coordinate off it whose gradient would pull it above 0.
  const feasible = exact.every((v) => v > 0);
  const optimal = [...polished.keys()].every((j) => {
    if (polished[j] > 0) return true;
    let g = -b[j];
    for (let k = 0; k < M; k++) g += G[j * M + k] * polished[k];
    return g >= -1e-12 * Math.max(1, Math.abs(b[j]));
  });
  return feasible && optimal ? polished : w;
}

/** Solves A x = r (A n × n, row-major) by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array, r: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(A);
  const x = Float64Array.from(r);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let i = col + 1; i < n; i++) if (Math.abs(a[i * n + col]) > Math.abs(a[piv * n + col])) piv = i;
    if (piv !== col) {
      for (let k = 0; k < n; k++) [a[col * n + k], a[piv * n + k]] = [a[piv * n + k], a[col * n + k]];
      [x[col], x[piv]] = [x[piv], x[col]];
    }
    for (let i = col + 1; i < n; i++) {
      const f = a[i * n + col] / a[col * n + col];
      for (let k = col; k < n; k++) a[i * n + k] -= f * a[col * n + k];
      x[i] -= f * x[col];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= a[i * n + k] * x[k];
    x[i] = s / a[i * n + i];
  }
  return x;
}

/** The stacking meta-model fitted on the members' probabilities of `n` rows with labels `y`. */
export function fitStackingMeta(
  P: readonly Float64Array[],
  y: ArrayLike<number>,
  width: number,
  params: LogisticParams,
): LogisticModel {
  const meta = new LogisticModel(params);
  meta.fitSync(metaFeatures(P, y.length, width), y);
  return meta;
}

export function combinerToJSON(c: BlendCombiner): SavedCombiner {
  return c.kind === "linear"
    ? { kind: "linear", weights: [...c.weights] }
    : { kind: "stacking", meta: c.meta.toJSON() };
}

export function combinerFromJSON(s: SavedCombiner, where: string): BlendCombiner {
  if (s?.kind === "linear" && Array.isArray(s.weights))
    return { kind: "linear", weights: Float64Array.from(s.weights) };
  if (s?.kind === "stacking" && s.meta?.kind === "logistic")
    return { kind: "stacking", meta: LogisticModel.load(s.meta) };
  throw new Error(
    `${where}: combiner kind ${JSON.stringify((s as { kind?: unknown })?.kind)} is not linear or stacking`,
  );
}
