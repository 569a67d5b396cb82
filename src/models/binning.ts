/**
 * Quantile binning: each feature's finite values map to at most `maxBins` (≤ 255) bins; bin 255
 * holds missing (non-finite) values. Bins are stored row-major (`bins[r * nFeat + f]`) because
 * the histogram build walks a node's rows and, per row, all features: one row's bins share a
 * cache line. Measured on 100k rows × 40 features (loaded 2-core machine): row-wise 4–6 ns per
 * (row, feature) update against 9–12 ns for column-wise builds with node-ordered gradients.
 * Partitions use a column-major copy (kernel.ts).
 */
import type { FeatureMatrix } from "./matrix";

/** Per feature, ascending cut points: bin(x) = first k with x <= cuts[k], else cuts.length. */
export type BinCuts = Float64Array[];

/** Values used to place cuts: a deterministic stride sample keeps binning O(sample) per feature. */
const MAX_SAMPLE = 200_000;

export function fitBinCuts(m: FeatureMatrix, maxBins: number): BinCuts {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 255) {
    throw new Error(`fitBinCuts: max_bins must be an integer in 2..255, got ${maxBins}`);
  }
  const n = m.nRows;
  const step = n > MAX_SAMPLE ? n / MAX_SAMPLE : 1;
  const take = Math.min(n, MAX_SAMPLE);
  const buf = new Float64Array(take);
  const cuts: BinCuts = [];
  for (let j = 0; j < m.names.length; j++) {
    const o = j * n;
    let k = 0;
    for (let s = 0; s < take; s++) {
      const v = m.data[o + Math.floor(s * step)];
      if (v - v === 0) buf[k++] = v;
    }
    const vals = buf.subarray(0, k).sort();
    let distinct = 0;
    for (let i = 0; i < k; i++) if (i === 0 || vals[i] !== vals[i - 1]) distinct++;
    const c: number[] = [];
    if (distinct <= maxBins) {
      // Few distinct values: one bin each, cut halfway between neighbours.
      for (let i = 1; i < k; i++) if (vals[i] !== vals[i - 1]) c.push(vals[i - 1] + (vals[i] - vals[i - 1]) / 2);
    } else {
      for (let q = 1; q < maxBins; q++) {
        const v = vals[Math.floor((q * k) / maxBins) - 1];
        if (c.length === 0 || v > c[c.length - 1]) c.push(v);
      }
      // The top quantile may equal the maximum: its bin would be empty.
      if (c.length > 0 && c[c.length - 1] >= vals[k - 1]) c.pop();
    }
    cuts.push(Float64Array.from(c));
  }
  return cuts;
}

export function binOf(cuts: Float64Array, v: number): number {
  if (v - v !== 0) return 255;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= cuts[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Bins every value; `shared` puts the result on a SharedArrayBuffer for worker threads.
 * `stride` (≥ features) is the row length: bins[i * stride + f], padding bytes 0.
 */
export function applyBins(m: FeatureMatrix, cuts: BinCuts, shared: boolean, stride?: number): Uint8Array {
  const nFeat = m.names.length;
  if (cuts.length !== nFeat) throw new Error(`applyBins: ${cuts.length} cut sets for ${nFeat} features`);
  const st = stride ?? nFeat;
  if (st < nFeat) throw new Error(`applyBins: row stride ${st} < ${nFeat} features`);
  const n = m.nRows;
  const bins = shared ? new Uint8Array(new SharedArrayBuffer(n * st)) : new Uint8Array(n * st);
  for (let f = 0; f < nFeat; f++) {
    const c = cuts[f];
    const o = f * n;
    for (let i = 0; i < n; i++) bins[i * st + f] = binOf(c, m.data[o + i]);
  }
  return bins;
}

export function binCounts(cuts: BinCuts): Int32Array {
  return Int32Array.from(cuts, (c) => c.length + 1);
}

/** The raw-value threshold equivalent to "bin <= b" (x <= threshold goes left). */
export function thresholdOf(cuts: Float64Array, b: number): number {
  return b < cuts.length ? cuts[b] : Number.MAX_VALUE;
}
