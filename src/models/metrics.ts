/** The log-loss the tree engine needs for early stopping (the AUC is `validation/rocAuc.ts`). */

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
