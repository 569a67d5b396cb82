/**
 * A weighted ensemble of the models' calibrated probabilities: non-negative weights summing to
 * one that minimise the log-loss of the out-of-fold predictions (exponentiated gradient on the
 * simplex). Weights are fitted on OOF rows only, so the holdout stays unseen by selection.
 */
const EPS = 1e-12;

/** Rows where every member has a prediction and the label is present. */
function commonRows(y: Float64Array, members: readonly Float64Array[], width: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r < y.length; r++) {
    if (Number.isNaN(y[r])) continue;
    if (members.every((m) => !Number.isNaN(m[r * width]))) rows.push(r);
  }
  return rows;
}

/** P(class y) of the blend at one row. */
function blendAt(members: readonly Float64Array[], w: Float64Array, r: number, width: number, cls: number): number {
  let s = 0;
  for (let m = 0; m < members.length; m++) {
    const p = width === 1 ? (cls === 1 ? members[m][r] : 1 - members[m][r]) : members[m][r * width + cls];
    s += w[m] * p;
  }
  return s;
}

export function fitEnsembleWeights(
  y: Float64Array,
  members: readonly Float64Array[],
  width: number,
  kind: "weighted" | "mean",
  iterations = 300,
): Float64Array {
  const k = members.length;
  const w = new Float64Array(k).fill(1 / k);
  if (kind === "mean") return w;
  const rows = commonRows(y, members, width);
  if (rows.length === 0) return w;
  const lr = 0.5;
  const grad = new Float64Array(k);
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    for (const r of rows) {
      const cls = y[r];
      const q = Math.max(blendAt(members, w, r, width, cls), EPS);
      for (let m = 0; m < k; m++) {
        const p = width === 1 ? (cls === 1 ? members[m][r] : 1 - members[m][r]) : members[m][r * width + cls];
        grad[m] -= p / q / rows.length;
      }
    }
    let s = 0;
    for (let m = 0; m < k; m++) {
      w[m] *= Math.exp(-lr * grad[m]);
      s += w[m];
    }
    for (let m = 0; m < k; m++) w[m] /= s;
  }
  return w;
}

/** The blend of `members` with `weights`, NaN where any member is NaN. */
export function blend(members: readonly Float64Array[], weights: Float64Array): Float64Array {
  const out = new Float64Array(members[0].length);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let m = 0; m < members.length; m++) s += weights[m] * members[m][i];
    out[i] = s;
  }
  return out;
}
