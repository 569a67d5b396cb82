import { CalibrationError } from "./probabilities";

export interface IsotonicParams {
  /** Distinct predicted probabilities (ascending) and the fitted non-decreasing values there. */
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** float64 resolution (numpy finfo.resolution): sklearn merges inputs closer than this. */
const RESOLUTION = 1e-15;

/**
 * Isotonic calibration by pool-adjacent-violators, as scikit-learn's IsotonicRegression
 * (increasing, out_of_bounds="clip"): rows sorted by (p, y), equal p merged into their
 * (weighted) mean label, PAV over the merged points, linear interpolation between them and
 * constant extrapolation beyond the ends. Rows of weight 0 are dropped first, as scikit-learn
 * does: a score whose rows all weigh 0 would otherwise be a point of weight 0 with label 0/0,
 * and PAV would spread that NaN over the whole map.
 */
export function fitIsotonic(p: Float64Array, y: ArrayLike<number>, weight?: Float64Array): IsotonicParams {
  const n = p.length;
  if (y.length !== n) throw new CalibrationError("fitIsotonic", `y has length ${y.length}, expected ${n}`);
  if (n === 0) throw new CalibrationError("fitIsotonic", "no rows");
  if (weight && weight.length !== n) {
    throw new CalibrationError("fitIsotonic", `weight has length ${weight.length}, expected ${n}`);
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(p[i]) || Number.isNaN(y[i])) throw new CalibrationError("fitIsotonic", `row ${i} is NaN`);
    const w = weight ? weight[i] : 1;
    if (!(w >= 0) || w === Number.POSITIVE_INFINITY) {
      throw new CalibrationError("fitIsotonic", `row ${i} has weight ${w}, expected a finite number >= 0`);
    }
    if (w > 0) kept.push(i);
  }
  if (kept.length === 0) throw new CalibrationError("fitIsotonic", `all ${n} rows have weight 0`);
  const order = Int32Array.from(kept);
  order.sort((a, b) => p[a] - p[b] || y[a] - y[b]);
  const nKept = order.length;
  const ux = new Float64Array(nKept);
  const uy = new Float64Array(nKept);
  const uw = new Float64Array(nKept);
  let m = 0;
  let curX = p[order[0]];
  let sumWY = 0;
  let sumW = 0;
  for (let j = 0; j < nKept; j++) {
    const i = order[j];
    const w = weight ? weight[i] : 1;
    if (p[i] - curX >= RESOLUTION) {
      ux[m] = curX;
      uw[m] = sumW;
      uy[m] = sumWY / sumW;
      m++;
      curX = p[i];
      sumW = w;
      sumWY = y[i] * w;
    } else {
      sumW += w;
      sumWY += y[i] * w;
    }
  }
  ux[m] = curX;
  uw[m] = sumW;
  uy[m] = sumWY / sumW;
  m++;
  const x = ux.slice(0, m);
  const fitted = uy.slice(0, m);
  pav(fitted, uw.slice(0, m));
  return { x, y: fitted };
}

/** In-place weighted PAV, the single-pass block algorithm scikit-learn uses (same pooling order). */
function pav(y: Float64Array, w: Float64Array): void {
  const n = y.length;
  const target = new Int32Array(n);
  for (let i = 0; i < n; i++) target[i] = i;
  let i = 0;
  while (i < n) {
    let k = target[i] + 1;
    if (k === n) break;
    if (y[i] < y[k]) {
      i = k;
      continue;
    }
    let sumWY = w[i] * y[i];
    let sumW = w[i];
    for (;;) {
      const prevY = y[k];
      sumWY += w[k] * y[k];
      sumW += w[k];
      k = target[k] + 1;
      if (k === n || prevY < y[k]) {
        y[i] = sumWY / sumW;
        w[i] = sumW;
        target[i] = k - 1;
        target[k - 1] = i;
        if (i > 0) i = target[i - 1];
        break;
      }
    }
  }
  i = 0;
  while (i < n) {
    const k = target[i] + 1;
    for (let j = i + 1; j < k; j++) y[j] = y[i];
    i = k;
  }
}

export function applyIsotonic(params: IsotonicParams, p: Float64Array): Float64Array {
  const { x, y } = params;
  const m = x.length;
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (m === 1 || v <= x[0]) {
      out[i] = y[0];
      continue;
    }
    if (v >= x[m - 1]) {
      out[i] = y[m - 1];
      continue;
    }
    let lo = 0;
    let hi = m - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (x[mid] <= v) lo = mid;
      else hi = mid;
    }
    const slope = (y[hi] - y[lo]) / (x[hi] - x[lo]);
    out[i] = slope * (v - x[lo]) + y[lo];
  }
  return out;
}
