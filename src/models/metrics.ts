/** Scores the tree engine needs for early stopping, OOB and permutation importance. */

/** Mean log-loss of probabilities p (n × nOutputs, binary: P(class 1)) against labels y. */
export function logLoss(
  p: Float64Array,
  y: ArrayLike<number>,
  nOutputs: number,
  weight?: ArrayLike<number> | null,
): number {
  const eps = 1e-15;
  let s = 0;
  let ws = 0;
  for (let i = 0; i < y.length; i++) {
    const w = weight ? weight[i] : 1;
    let q: number;
    if (nOutputs === 1) q = y[i] === 1 ? p[i] : 1 - p[i];
    else q = p[i * nOutputs + y[i]];
    s -= w * Math.log(Math.min(1 - eps, Math.max(eps, q)));
    ws += w;
  }
  return s / ws;
}

/** ROC AUC of scores against binary labels (ties count one half); NaN scores are skipped. */
export function rocAuc(score: ArrayLike<number>, y: ArrayLike<number>): number {
  const idx: number[] = [];
  for (let i = 0; i < score.length; i++) if (!Number.isNaN(score[i])) idx.push(i);
  idx.sort((a, b) => score[a] - score[b]);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  for (let k = 0; k < idx.length; ) {
    let j = k;
    while (j + 1 < idx.length && score[idx[j + 1]] === score[idx[k]]) j++;
    const rank = (k + j) / 2 + 1;
    for (let m = k; m <= j; m++) {
      if (y[idx[m]] === 1) {
        pos++;
        rankSum += rank;
      } else neg++;
    }
    k = j + 1;
  }
  if (pos === 0 || neg === 0) throw new Error("rocAuc: needs both classes among the scored rows");
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
