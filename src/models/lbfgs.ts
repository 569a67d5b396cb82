/**
 * Limited-memory BFGS for smooth convex objectives (the logistic loss, ensemble weights):
 * two-loop recursion over the last `memory` steps, backtracking Armijo line search. Curvature
 * pairs with s·y ≤ 0 are skipped so the implicit Hessian stays positive definite.
 */
export interface LbfgsOptions {
  maxIter: number;
  /** Stop when max |gradient| ≤ tol. */
  tol: number;
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  gradMax: number;
  converged: boolean;
}

/** `fg(x, grad)` writes the gradient into `grad` and returns the objective. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function lbfgs(fg: Objective, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const d = x0.length;
  const m = opts.memory ?? 10;
  const x = Float64Array.from(x0);
  const g = new Float64Array(d);
  let f = fg(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(d);
  const xNew = new Float64Array(d);
  const gNew = new Float64Array(d);
  const alpha = new Float64Array(m);
  let it = 0;
  for (; it < opts.maxIter; it++) {
    if (maxAbs(g) <= opts.tol) return { x, value: f, iterations: it, gradMax: maxAbs(g), converged: true };
    for (let i = 0; i < d; i++) dir[i] = -g[i];
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], dir);
      for (let i = 0; i < d; i++) dir[i] -= alpha[j] * Y[j][i];
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < d; i++) dir[i] *= gamma;
    } else {
      // First step: unit length, as no curvature is known yet.
      const nrm = Math.sqrt(dot(g, g));
      for (let i = 0; i < d; i++) dir[i] /= Math.max(1, nrm);
    }
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j] * dot(Y[j], dir);
      for (let i = 0; i < d; i++) dir[i] += S[j][i] * (alpha[j] - beta);
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (numerical breakdown): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < d; i++) dir[i] = -g[i];
      slope = dot(g, dir);
    }
    let step = 1;
    let fNew = Number.POSITIVE_INFINITY;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < d; i++) xNew[i] = x[i] + step * dir[i];
      fNew = fg(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= f)) return { x, value: f, iterations: it, gradMax: maxAbs(g), converged: false };
    const s = new Float64Array(d);
    const yv = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      s[i] = xNew[i] - x[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dot(s, yv);
    if (sy > 1e-300) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    x.set(xNew);
    g.set(gNew);
    const fOld = f;
    f = fNew;
    // Stalled in floating point: the objective no longer moves and the step is negligible.
    if (fOld - f <= 1e-16 * Math.max(1, Math.abs(f)) && maxAbs(s) <= 1e-14 * Math.max(1, maxAbs(x))) break;
  }
  const gm = maxAbs(g);
  return { x, value: f, iterations: it, gradMax: gm, converged: gm <= opts.tol };
}
