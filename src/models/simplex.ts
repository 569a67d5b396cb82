/**
 * Blend weights on the probability simplex (non-negative, summing to one) from out-of-fold
 * member probabilities: ridge (least squares to the one-hot labels plus α‖w‖², by projected
 * gradient) or log-loss (softmax-parameterised weights, L-BFGS). Probabilities are row-major
 * n × width per member; width 1 means P(class 1) of a binary label.
 */
import { lbfgs } from "./lbfgs";
import { softmaxRows } from "./softmax";

export type WeightMethod = "ridge" | "logloss";

/** Euclidean projection onto {w ≥ 0, Σw = 1} (sort-based, Duchi et al. 2008). */
export function projectSimplex(v: Float64Array): Float64Array {
  const u = Float64Array.from(v).sort().reverse();
  let css = 0;
  let theta = 0;
  for (let i = 0; i < u.length; i++) {
    css += u[i];
    const t = (css - 1) / (i + 1);
    if (u[i] - t > 0) theta = t;
  }
  return Float64Array.from(v, (x) => Math.max(0, x - theta));
}

/** P(observed class) of member m at row i. */
function pTrue(P: readonly Float64Array[], m: number, i: number, width: number, cls: number): number {
  return width === 1 ? (cls === 1 ? P[m][i] : 1 - P[m][i]) : P[m][i * width + cls];
}

export function fitSimplexWeights(
  P: readonly Float64Array[],
  y: ArrayLike<number>,
  width: number,
  method: WeightMethod,
  alpha: number,
): Float64Array {
  const M = P.length;
  const n = y.length;
  if (method === "logloss") {
    const fg = (theta: Float64Array, grad: Float64Array): number => {
      const w = softmaxRows(theta, M, new Float64Array(M));
      const gw = new Float64Array(M);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        let q = 0;
        for (let m = 0; m < M; m++) q += w[m] * pTrue(P, m, i, width, y[i]);
        q = Math.max(q, 1e-15);
        loss -= Math.log(q);
        for (let m = 0; m < M; m++) gw[m] -= pTrue(P, m, i, width, y[i]) / q;
      }
      // Chain rule through the softmax: ∂L/∂θ_m = w_m (g_m − Σ w g).
      let wg = 0;
      for (let m = 0; m < M; m++) wg += w[m] * gw[m];
      for (let m = 0; m < M; m++) grad[m] = (w[m] * (gw[m] - wg)) / n;
      return loss / n;
    };
    const r = lbfgs(fg, new Float64Array(M), { maxIter: 500, tol: 1e-9 });
    return softmaxRows(r.x, M, new Float64Array(M));
  }
  // Ridge: G = PᵀP/n + αI, b = PᵀY/n over all width columns (one-hot targets).
  const G = new Float64Array(M * M);
  const b = new Float64Array(M);
  const W = Math.max(1, width);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < W; c++) {
      const target = width === 1 ? y[i] : y[i] === c ? 1 : 0;
      for (let a = 0; a < M; a++) {
        const pa = P[a][i * W + c];
        b[a] += (pa * target) / n;
        for (let q = 0; q < M; q++) G[a * M + q] += (pa * P[q][i * W + c]) / n;
      }
    }
  }
  for (let a = 0; a < M; a++) G[a * M + a] += alpha;
  let L = 0;
  for (let a = 0; a < M; a++) for (let q = 0; q < M; q++) L = Math.max(L, Math.abs(G[a * M + q]) * M);
  let w = new Float64Array(M).fill(1 / M);
  for (let it = 0; it < 5000; it++) {
    const step = new Float64Array(M);
    for (let a = 0; a < M; a++) {
      let g = -b[a];
      for (let q = 0; q < M; q++) g += G[a * M + q] * w[q];
      step[a] = w[a] - g / L;
    }
    const next = projectSimplex(step);
    let d = 0;
    for (let a = 0; a < M; a++) d = Math.max(d, Math.abs(next[a] - w[a]));
    w = next;
    if (d < 1e-13) break;
  }
  return w;
}
