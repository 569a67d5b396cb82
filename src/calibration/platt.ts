import { CalibrationError } from "./probabilities";

/** Probabilities are clipped to [1e-15, 1 - 1e-15] before the logit so 0 and 1 stay finite. */
const CLIP = 1e-15;

export function logit(p: number): number {
  const q = Math.min(Math.max(p, CLIP), 1 - CLIP);
  return Math.log(q / (1 - q));
}

export interface PlattParams {
  /** P(1) = 1 / (1 + exp(-(a·logit(p) + b))). */
  readonly a: number;
  readonly b: number;
}

/**
 * Platt scaling (Platt 2000) of binary probabilities: a logistic regression of the label on
 * logit(p), with Platt's smoothed targets (n₊+1)/(n₊+2) and 1/(n₋+2) as scikit-learn's
 * `_sigmoid_calibration` uses. Solved by Newton's method (backtracking when a step clearly raises the loss) until the
 * step is below 1e-15 relative, so it lands on the exact optimum; sklearn's L-BFGS stops at gtol 1e-6
 * and its fitted probabilities agree with these to about 1e-6, not 1e-9.
 */
export function fitPlatt(p: Float64Array, y: ArrayLike<number>, weight?: Float64Array): PlattParams {
  const n = p.length;
  if (y.length !== n) throw new CalibrationError("fitPlatt", `y has length ${y.length}, expected ${n}`);
  const f = new Float64Array(n);
  const t = new Float64Array(n);
  let nPos = 0;
  let nNeg = 0;
  for (let i = 0; i < n; i++) {
    const w = weight ? weight[i] : 1;
    if (y[i] === 1) nPos += w;
    else if (y[i] === 0) nNeg += w;
    else throw new CalibrationError("fitPlatt", `y[${i}] = ${y[i]}; expected 0 or 1`);
    f[i] = logit(p[i]);
  }
  if (nPos === 0 || nNeg === 0)
    throw new CalibrationError("fitPlatt", `needs both classes, got ${nPos} positive and ${nNeg} negative`);
  const hiT = (nPos + 1) / (nPos + 2);
  const loT = 1 / (nNeg + 2);
  for (let i = 0; i < n; i++) t[i] = y[i] === 1 ? hiT : loT;
  const loss = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = a * f[i] + b;
      // log(1 + e^z) - t·z, written to stay finite for large |z|.
      const sp = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      s += (weight ? weight[i] : 1) * (sp - t[i] * z);
    }
    return s;
  };
  let a = 1;
  let b = Math.log((nPos + 1) / (nNeg + 1));
  let current = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const w = weight ? weight[i] : 1;
      const z = a * f[i] + b;
      const q = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      const r = w * (q - t[i]);
      const h = w * q * (1 - q);
      ga += r * f[i];
      gb += r;
      haa += h * f[i] * f[i];
      hab += h * f[i];
      hbb += h;
    }
    if (ga === 0 && gb === 0) break;
    const det = haa * hbb - hab * hab;
    let da: number;
    let db: number;
    if (det > 1e-300) {
      da = -(hbb * ga - hab * gb) / det;
      db = -(haa * gb - hab * ga) / det;
    } else {
      da = -ga;
      db = -gb;
    }
    // Near the optimum the loss changes below its rounding error, so a full Newton step whose
    // loss is not measurably worse is taken as is; only clear increases trigger backtracking.
    let step = 1;
    let next = loss(a + da, b + db);
    const slack = 1e-13 * Math.abs(current);
    while (next > current + slack && step > 1e-12) {
      step /= 2;
      next = loss(a + step * da, b + step * db);
    }
    if (!(next <= current + slack)) break;
    a += step * da;
    b += step * db;
    current = Math.min(current, next);
    if (
      step === 1 &&
      Math.abs(da) <= 1e-15 * Math.max(1, Math.abs(a)) &&
      Math.abs(db) <= 1e-15 * Math.max(1, Math.abs(b))
    )
      break;
  }
  return { a, b };
}

export function applyPlatt(params: PlattParams, p: Float64Array): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const z = params.a * logit(p[i]) + params.b;
    out[i] = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }
  return out;
}
