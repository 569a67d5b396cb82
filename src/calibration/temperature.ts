import { softmaxRows } from "../models";
import { checkLabels, classCountOf } from "./probabilities";

/** Added before the log, as scikit-learn's temperature scaling does, so zero probabilities stay finite. */
const LOG_EPS = 1e-12;

export interface TemperatureParams {
  /** Calibrated P = softmax(log(p + 1e-12) / temperature). */
  readonly temperature: number;
}

/** Row-major log-probabilities (n·K) from either layout. */
function logits(probs: Float64Array, n: number, k: number): Float64Array {
  const out = new Float64Array(n * k);
  if (probs.length === n) {
    for (let i = 0; i < n; i++) {
      out[2 * i] = Math.log(1 - probs[i] + LOG_EPS);
      out[2 * i + 1] = Math.log(probs[i] + LOG_EPS);
    }
  } else {
    for (let j = 0; j < n * k; j++) out[j] = Math.log(probs[j] + LOG_EPS);
  }
  return out;
}

/**
 * Temperature scaling (Guo et al. 2017) for K classes (binary as K = 2): one inverse
 * temperature β multiplies the log-probabilities before a softmax, chosen to minimise the
 * log-loss. The loss is convex in β, so Newton's method with bisection safeguards on a
 * bracket reaches the optimum to ~1e-14; scikit-learn's bounded Brent search on log β stops
 * at xatol 1e-5, so its probabilities agree with these to ~1e-6.
 */
export function fitTemperature(probs: Float64Array, y: ArrayLike<number>): TemperatureParams {
  const n = y.length;
  const k = classCountOf("fitTemperature", y, probs);
  checkLabels("fitTemperature", y, k);
  const z = logits(probs, n, k);
  // d/dβ and d²/dβ² of the mean NLL: E_q[z] - z_y and Var_q[z], with q = softmax(βz). The
  // moments are summed with q's unnormalised weights, so q itself (softmaxRows) is never formed.
  const derivs = (beta: number): [number, number] => {
    let g = 0;
    let h = 0;
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, beta * z[o + c]);
      let s = 0;
      let sz = 0;
      let szz = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(beta * z[o + c] - max);
        s += e;
        sz += e * z[o + c];
        szz += e * z[o + c] * z[o + c];
      }
      const mean = sz / s;
      g += mean - z[o + y[i]];
      h += szz / s - mean * mean;
    }
    return [g / n, h / n];
  };
  // sklearn searches log β in [-10, 10]; the same bracket keeps both on the same optimum.
  let lo = Math.exp(-10);
  let hi = Math.exp(10);
  if (derivs(lo)[0] >= 0) return { temperature: 1 / lo };
  if (derivs(hi)[0] <= 0) return { temperature: 1 / hi };
  let beta = 1;
  for (let iter = 0; iter < 200; iter++) {
    const [g, h] = derivs(beta);
    if (g > 0) hi = beta;
    else lo = beta;
    if (Math.abs(g) < 1e-15) break;
    let next = beta - g / h;
    if (!(next > lo && next < hi) || !(h > 0)) next = (lo + hi) / 2;
    if (Math.abs(next - beta) <= 1e-15 * beta) {
      beta = next;
      break;
    }
    beta = next;
  }
  return { temperature: 1 / beta };
}

/** Applies the temperature; returns the input layout (a vector of P(1) for binary input). */
export function applyTemperature(params: TemperatureParams, probs: Float64Array, n: number): Float64Array {
  const k = probs.length === n ? 2 : probs.length / n;
  const z = logits(probs, n, k);
  const beta = 1 / params.temperature;
  const out = softmaxRows(
    z.map((v) => beta * v),
    k,
  );
  if (probs.length !== n) return out;
  const p1 = new Float64Array(n);
  for (let i = 0; i < n; i++) p1[i] = out[2 * i + 1];
  return p1;
}
