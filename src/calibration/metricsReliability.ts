import { CalibrationError, checkLabels, classCountOf, predictClasses } from "./probabilities";

export type BinStrategy = "uniform" | "quantile";

export interface ReliabilityTable {
  /** Bin edges (bins + 1 values): equal-width on [0, 1], or quantiles of the predictions. */
  readonly edges: Float64Array;
  /** Rows per bin (all bins, empty ones included). */
  readonly count: Float64Array;
  /** Mean predicted probability per bin (NaN when empty). */
  readonly meanPredicted: Float64Array;
  /** Observed frequency of the event per bin (NaN when empty). */
  readonly observed: Float64Array;
}

/** numpy's percentile with the default linear method, bit for bit (virtual index and _lerp). */
function percentileLinear(sorted: Float64Array, qPercent: number): number {
  const n = sorted.length;
  const q = qPercent / 100;
  const virtual = n * q + (1 + q * (1 - 1 - 1)) - 1;
  const clipped = Math.min(Math.max(virtual, 0), n - 1);
  const lo = Math.floor(clipped);
  const hi = Math.min(lo + 1, n - 1);
  const t = clipped - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Reliability table of binary predictions (sklearn's calibration_curve binning): equal-width
 * bins on [0, 1] or equal-mass bins at quantiles of the predictions; a prediction on an inner
 * edge falls in the lower bin.
 */
export function reliabilityTable(
  y: ArrayLike<number>,
  p: Float64Array,
  bins = 10,
  strategy: BinStrategy = "uniform",
): ReliabilityTable {
  if (p.length !== y.length)
    throw new CalibrationError("reliabilityTable", `p has length ${p.length}, expected ${y.length}`);
  if (!Number.isInteger(bins) || bins < 1)
    throw new CalibrationError("reliabilityTable", `bins must be an integer >= 1, got ${bins}`);
  checkLabels("reliabilityTable", y, 2);
  const n = y.length;
  const edges = new Float64Array(bins + 1);
  if (strategy === "uniform") {
    const step = 1 / bins;
    for (let b = 0; b <= bins; b++) edges[b] = b * step;
    edges[bins] = 1;
  } else if (strategy === "quantile") {
    const sorted = Float64Array.from(p).sort();
    const step = 1 / bins;
    for (let b = 0; b <= bins; b++) edges[b] = percentileLinear(sorted, (b === bins ? 1 : b * step) * 100);
  } else {
    throw new CalibrationError("reliabilityTable", `strategy must be uniform or quantile, got ${strategy}`);
  }
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const v = p[i];
    if (!(v >= 0 && v <= 1)) throw new CalibrationError("reliabilityTable", `p[${i}] = ${v} is not a probability`);
    // Number of inner edges strictly below v (numpy searchsorted, side="left").
    let lo = 1;
    let hi = bins;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    const b = lo - 1;
    count[b]++;
    sumP[b] += v;
    sumY[b] += y[i];
  }
  const meanPredicted = new Float64Array(bins);
  const observed = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    meanPredicted[b] = count[b] > 0 ? sumP[b] / count[b] : Number.NaN;
    observed[b] = count[b] > 0 ? sumY[b] / count[b] : Number.NaN;
  }
  return { edges, count, meanPredicted, observed };
}

/** Expected calibration error of a table: Σ_bins (n_b / n)·|observed_b - meanPredicted_b|. */
export function eceOfTable(t: ReliabilityTable): number {
  let n = 0;
  for (const c of t.count) n += c;
  let e = 0;
  for (let b = 0; b < t.count.length; b++) {
    if (t.count[b] > 0) e += (t.count[b] / n) * Math.abs(t.observed[b] - t.meanPredicted[b]);
  }
  return e;
}

/**
 * Expected calibration error. Binary predictions (a vector of P(class 1)): over P(class 1)
 * against y. K classes (n·K): top-label ECE, the confidence max_c P(c) against whether the
 * arg-max class is right.
 */
export function expectedCalibrationError(
  y: ArrayLike<number>,
  probs: Float64Array,
  bins = 10,
  strategy: BinStrategy = "uniform",
): number {
  const k = classCountOf("expectedCalibrationError", y, probs);
  if (probs.length === y.length) return eceOfTable(reliabilityTable(y, probs, bins, strategy));
  checkLabels("expectedCalibrationError", y, k);
  const n = y.length;
  const pred = predictClasses(probs, n);
  const conf = new Float64Array(n);
  const correct = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    conf[i] = probs[i * k + pred[i]];
    correct[i] = pred[i] === y[i] ? 1 : 0;
  }
  return eceOfTable(reliabilityTable(correct, conf, bins, strategy));
}
