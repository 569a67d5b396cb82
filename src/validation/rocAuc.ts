/**
 * ROC-AUC, the project's one implementation. It lives in `validation/` because the leakage screen
 * is the earliest stage that scores with it; models (early stopping, OOB, search), calibration's
 * metric report (which re-exports it and builds the one-vs-rest AUC on `aucOf`), explain and
 * pipeline import it from here, so no stage reaches forward for it. Arguments follow the other
 * metrics and scikit-learn's `roc_auc_score(y_true, y_score)`: labels first, then scores.
 */

/**
 * ROC-AUC of `score(i)` for the rows where `positive(i)` against the rest: the probability that
 * a positive outscores a negative, ties counting one half (the Mann-Whitney statistic), which
 * equals the trapezoidal area under scikit-learn's ROC curve. Positive and negative scores are
 * sorted separately with the native numeric sort and merged with two pointers. NaN when either
 * side has no rows; a NaN score is an error (`where` names the caller in it).
 */
export function aucOf(
  where: string,
  n: number,
  score: (i: number) => number,
  positive: (i: number) => boolean,
): number {
  let nPos = 0;
  for (let i = 0; i < n; i++) if (positive(i)) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const v = score(i);
    if (Number.isNaN(v)) throw new Error(`${where}: score[${i}] is NaN`);
    if (positive(i)) pos[a++] = v;
    else neg[b++] = v;
  }
  pos.sort();
  neg.sort();
  // For each positive: negatives strictly below count 1, equal ones count 1/2.
  let below = 0;
  let notAbove = 0;
  let sum = 0;
  for (let i = 0; i < nPos; i++) {
    const v = pos[i];
    while (below < nNeg && neg[below] < v) below++;
    if (notAbove < below) notAbove = below;
    while (notAbove < nNeg && neg[notAbove] <= v) notAbove++;
    sum += below + 0.5 * (notAbove - below);
  }
  return sum / nPos / nNeg;
}

/**
 * Binary ROC-AUC of a score (a probability or any monotone score) against 0/1 labels. NaN when
 * the labels hold one class only (the AUC is undefined there; callers that must not go on
 * without it say so); a NaN score, a label other than 0 or 1, or unequal lengths are errors.
 */
export function rocAuc(y: ArrayLike<number>, score: ArrayLike<number>): number {
  if (score.length !== y.length) throw new Error(`rocAuc: score has length ${score.length}, expected ${y.length}`);
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`rocAuc: y[${i}] = ${y[i]} is not a class code in [0, 1]`);
  }
  return aucOf(
    "rocAuc",
    y.length,
    (i) => score[i],
    (i) => y[i] === 1,
  );
}
