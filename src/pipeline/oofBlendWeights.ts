/**
 * The run's blend (the config's `ensemble:` block): the weights of the run's models' calibrated
 * probabilities, non-negative and summing to one, that minimise the log-loss of their
 * out-of-fold predictions (the simplex fit the `ensemble` model kind also uses), and the blend
 * itself. Weights are fitted on OOF rows only, so the holdout stays unseen by selection.
 */
import { fitSimplexWeights } from "../models";

/** Rows where every member has a prediction and the label is present. */
function commonRows(y: Float64Array, members: readonly Float64Array[], width: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r < y.length; r++) {
    if (Number.isNaN(y[r])) continue;
    if (members.every((m) => !Number.isNaN(m[r * width]))) rows.push(r);
  }
  return rows;
}

export function fitOofBlendWeights(
  y: Float64Array,
  members: readonly Float64Array[],
  width: number,
  kind: "weighted" | "mean",
): Float64Array {
  const k = members.length;
  const rows = commonRows(y, members, width);
  if (kind === "mean" || rows.length === 0) return new Float64Array(k).fill(1 / k);
  const P = members.map((m) => {
    const out = new Float64Array(rows.length * width);
    rows.forEach((r, j) => {
      for (let c = 0; c < width; c++) out[j * width + c] = m[r * width + c];
    });
    return out;
  });
  return fitSimplexWeights(
    P,
    Float64Array.from(rows, (r) => y[r]),
    width,
    "logloss",
    0,
  );
}

/** The blend of `members` with `weights`, NaN where any member is NaN. */
export function blendProbabilities(members: readonly Float64Array[], weights: Float64Array): Float64Array {
  const out = new Float64Array(members[0].length);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let m = 0; m < members.length; m++) s += weights[m] * members[m][i];
    out[i] = s;
  }
  return out;
}
