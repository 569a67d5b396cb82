import { CalibrationError, checkLabels, classCountOf, probOf } from "./probabilities";

/**
 * ROC-AUC of `score` for the rows where `positive(i)` vs the rest, by the rank-sum
 * (Mann-Whitney) formula with tied scores given their average rank, which equals the
 * trapezoidal area under sklearn's ROC curve (ties count one half). NaN when one class is missing.
 */
function aucBy(score: (i: number) => number, positive: (i: number) => boolean, n: number): number {
  const order = new Int32Array(n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
    s[i] = score(i);
  }
  order.sort((a, b) => s[a] - s[b]);
  let rankSum = 0;
  let nPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && s[order[j + 1]] === s[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (positive(order[t])) {
        rankSum += avgRank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Binary ROC-AUC of a score (a probability or any monotone score) against 0/1 labels. */
export function rocAuc(y: ArrayLike<number>, score: Float64Array): number {
  if (score.length !== y.length)
    throw new CalibrationError("rocAuc", `score has length ${score.length}, expected ${y.length}`);
  checkLabels("rocAuc", y, 2);
  return aucBy(
    (i) => score[i],
    (i) => y[i] === 1,
    y.length,
  );
}

/**
 * Multiclass ROC-AUC, one-vs-rest, macro average (sklearn's multi_class="ovr", average="macro"):
 * the mean over classes of the AUC of P(class c) for class c against the rest.
 */
export function rocAucOvr(y: ArrayLike<number>, probs: Float64Array): number {
  const k = classCountOf("rocAucOvr", y, probs);
  checkLabels("rocAucOvr", y, k);
  if (k === 2) return rocAuc(y, probs.length === y.length ? probs : column(probs, 2, 1));
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const a = aucBy(
      (i) => probs[i * k + c],
      (i) => y[i] === c,
      y.length,
    );
    if (Number.isNaN(a)) throw new CalibrationError("rocAucOvr", `class ${c} has no rows (or only rows of class ${c})`);
    sum += a;
  }
  return sum / k;
}

function column(probs: Float64Array, k: number, c: number): Float64Array {
  const n = probs.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = probs[i * k + c];
  return out;
}

const EPS = 2.220446049250313e-16; // float64 machine epsilon, sklearn's log_loss clip

/** Mean negative log-likelihood, probabilities clipped to [eps, 1-eps] as sklearn's log_loss does. */
export function logLoss(y: ArrayLike<number>, probs: Float64Array): number {
  const k = classCountOf("logLoss", y, probs);
  checkLabels("logLoss", y, k);
  const binary = probs.length === y.length;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const p = probOf(probs, k, binary, i, y[i]);
    sum -= Math.log(Math.min(Math.max(p, EPS), 1 - EPS));
  }
  return sum / y.length;
}

/**
 * Brier score as sklearn's brier_score_loss (scale_by_half="auto"): binary, the mean squared
 * error of P(class 1); K >= 3 classes, the mean over rows of the squared distance to the one-hot label.
 */
export function brierScore(y: ArrayLike<number>, probs: Float64Array): number {
  const k = classCountOf("brierScore", y, probs);
  checkLabels("brierScore", y, k);
  const binary = probs.length === y.length;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    if (binary || k === 2) {
      const d = probOf(probs, k, binary, i, 1) - (y[i] === 1 ? 1 : 0);
      sum += d * d;
    } else {
      for (let c = 0; c < k; c++) {
        const d = probs[i * k + c] - (y[i] === c ? 1 : 0);
        sum += d * d;
      }
    }
  }
  return sum / y.length;
}
