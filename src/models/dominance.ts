/**
 * The single-model dominance warning every blend raises: a member holding more than 80 % of the
 * blend's weight (the product plan's threshold) makes the "ensemble" close to that one model, so
 * its score is that model's and the blend adds little but a trial. One place for the threshold
 * and the wording: the `ensemble` model kind (blendModel.ts) and the run's `ensemble:` block.
 */

/** The share above which one member dominates a blend. */
export const DOMINANCE_SHARE = 0.8;

/** One warning per member whose share of `weights` (normalised by their sum) exceeds `threshold`. */
export function dominanceWarnings(
  weights: ArrayLike<number>,
  labels: readonly string[],
  threshold = DOMINANCE_SHARE,
): string[] {
  let total = 0;
  for (let m = 0; m < weights.length; m++) total += weights[m];
  const out: string[] = [];
  if (!(total > 0)) return out;
  for (let m = 0; m < weights.length; m++) {
    const share = weights[m] / total;
    if (share > threshold)
      out.push(
        `${labels[m]} takes ${(share * 100).toFixed(1)} % of the ensemble weight (> ${(threshold * 100).toFixed(0)} %): the ensemble is close to that single model`,
      );
  }
  return out;
}
