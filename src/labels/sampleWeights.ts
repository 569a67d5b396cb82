import { LabelError } from "./labelSet";

export interface LabelIntervals {
  readonly y: Float64Array;
  readonly startIdx: Int32Array;
  readonly endIdx: Int32Array;
}

/**
 * Concurrency per bar: how many present labels' windows [startIdx, endIdx] cover bar b.
 * A difference array keeps it O(n) however long the windows are.
 */
export function labelConcurrency(labels: LabelIntervals, nBars: number = labels.y.length): Int32Array {
  const diff = new Int32Array(nBars + 1);
  const { y, startIdx, endIdx } = labels;
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i])) continue;
    const s = startIdx[i];
    const e = endIdx[i];
    if (s < 0 || e < s || e >= nBars) {
      throw new LabelError("labelConcurrency", `label ${i} has window [${s}, ${e}] outside the ${nBars} bars`);
    }
    diff[s]++;
    diff[e + 1]--;
  }
  const c = new Int32Array(nBars);
  let run = 0;
  for (let b = 0; b < nBars; b++) {
    run += diff[b];
    c[b] = run;
  }
  return c;
}

/**
 * Average uniqueness of each label (AFML ch. 4.4): the mean over its window of 1/concurrency.
 * Absent labels get NaN. With `normalize` (default) the present weights are scaled to mean 1,
 * so they drop into a loss without changing its scale.
 */
export function averageUniqueness(labels: LabelIntervals, normalize = true): Float64Array {
  const n = labels.y.length;
  const c = labelConcurrency(labels, n);
  // Prefix sums of 1/c make each label's mean O(1).
  const prefix = new Float64Array(n + 1);
  for (let b = 0; b < n; b++) prefix[b + 1] = prefix[b] + (c[b] > 0 ? 1 / c[b] : 0);
  const w = new Float64Array(n).fill(Number.NaN);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(labels.y[i])) continue;
    const s = labels.startIdx[i];
    const e = labels.endIdx[i];
    w[i] = (prefix[e + 1] - prefix[s]) / (e - s + 1);
    sum += w[i];
    count++;
  }
  if (normalize && count > 0) {
    const scale = count / sum;
    for (let i = 0; i < n; i++) if (!Number.isNaN(w[i])) w[i] *= scale;
  }
  return w;
}

/**
 * Balanced class weights (scikit-learn's `class_weight="balanced"`): total / (K · total_k),
 * where totals are counts, or sums of `sampleWeight` when given. Absent rows are skipped.
 * A class without rows gets weight 0 rather than an error, since a training fold may lack a rare class.
 */
export function classWeights(y: Float64Array, nClasses: number, sampleWeight?: Float64Array): Float64Array {
  if (sampleWeight && sampleWeight.length !== y.length) {
    throw new LabelError("classWeights", `sampleWeight has length ${sampleWeight.length}, expected ${y.length}`);
  }
  const totals = new Float64Array(nClasses);
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const k = y[i];
    if (Number.isNaN(k)) continue;
    if (!Number.isInteger(k) || k < 0 || k >= nClasses) {
      throw new LabelError("classWeights", `y[${i}] = ${k} is not a class code in [0, ${nClasses - 1}]`);
    }
    const w = sampleWeight ? sampleWeight[i] : 1;
    totals[k] += w;
    total += w;
  }
  const out = new Float64Array(nClasses);
  for (let k = 0; k < nClasses; k++) out[k] = totals[k] > 0 ? total / (nClasses * totals[k]) : 0;
  return out;
}

/** Per-row weight = sample weight (default 1) × the weight of the row's class; NaN for absent rows. */
export function combinedWeights(y: Float64Array, perClass: Float64Array, sampleWeight?: Float64Array): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const k = y[i];
    out[i] = !Number.isNaN(k) ? perClass[k] * (sampleWeight ? sampleWeight[i] : 1) : Number.NaN;
  }
  return out;
}
