/**
 * The project's one log-loss (the AUC is `validation/rocAuc.ts`). It lives in models, the
 * earliest stage that scores with it (the tree engine's early stopping, hyper-parameter search);
 * calibration's metric report re-exports it, and explain and pipeline use it from there.
 */

/** float64 machine epsilon: scikit-learn's `log_loss` clips probabilities to [ε, 1 − ε]. */
const EPS = 2.220446049250313e-16;

/**
 * Mean negative log-likelihood of the labels under the probabilities, as scikit-learn's
 * `log_loss(y_true, y_proba, sample_weight=weight)`: labels first like the other metrics; binary
 * probabilities are one P(class 1) per row, K classes n·K values row-major (row i holds
 * P(class 0..K−1)); each probability of the true class clipped to [ε, 1 − ε]; with `weight`,
 * the weighted mean. No rows, a length that fits neither layout, a label that is not a class
 * code, or weights of another length or with no positive sum are errors.
 */
export function logLoss(y: ArrayLike<number>, probs: ArrayLike<number>, weight?: ArrayLike<number> | null): number {
  const n = y.length;
  if (n === 0) throw new Error("logLoss: no rows");
  const binary = probs.length === n;
  const k = binary ? 2 : probs.length / n;
  if (!Number.isInteger(k) || k < 2) {
    throw new Error(`logLoss: probabilities have length ${probs.length}; expected ${n} (binary) or ${n}·K (K classes)`);
  }
  if (weight && weight.length !== n) throw new Error(`logLoss: weight has length ${weight.length}, expected ${n}`);
  let sum = 0;
  let weights = 0;
  for (let i = 0; i < n; i++) {
    const c = y[i];
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      throw new Error(`logLoss: y[${i}] = ${c} is not a class code in [0, ${k - 1}]`);
    }
    const p = binary ? (c === 1 ? probs[i] : 1 - probs[i]) : probs[i * k + c];
    const w = weight ? weight[i] : 1;
    sum -= w * Math.log(Math.min(Math.max(p, EPS), 1 - EPS));
    weights += w;
  }
  if (!(weights > 0)) throw new Error(`logLoss: the weights sum to ${weights}, not a positive number`);
  return sum / weights;
}
