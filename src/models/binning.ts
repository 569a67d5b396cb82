/**
 * Quantile binning: each feature's finite values map to at most `maxBins` (≤ 255) bins; bin 255
 * holds missing (non-finite) values. Bins are stored row-major (`bins[r * nFeat + f]`) because
 * the histogram build walks a node's rows and, per row, all features: one row's bins share a
 * cache line (row-wise builds measured about twice as fast as column-wise ones). Partitions
 * read a column-major copy, which binIntoKernel writes in the same pass.
 */
import { wasmArena } from "./kernelArena";
import type { BinBlock } from "./kernelTypes";
import type { TreeKernel } from "./wasm/treeKernelExports";
import type { FeatureMatrix } from "./matrix";
import { treeKernelModule } from "./wasm/treeKernelModule";

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
  // The sort runs in the tree kernel (a radix sort, ~3× the JS one's speed).
  const a = wasmArena(treeKernelModule(), { buf: ["f64", take], tmp: ["f64", take], counts: ["i32", 2048] });
  const cuts: BinCuts = [];
  for (let j = 0; j < m.names.length; j++) {
    const o = j * n;
    let k = 0;
    for (let s = 0; s < take; s++) {
      const v = m.data[o + Math.floor(s * step)];
      if (v - v === 0) a.buf[k++] = v;
    }
    a.kernel.sortFinite(a.buf.byteOffset, k, a.tmp.byteOffset, a.counts.byteOffset);
    const vals = a.buf;
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
 * `stride` (≥ features) is the row length: bins[i * stride + f], padding bytes 0. The binning
 * is binIntoKernel's, copied out of the kernel's memory.
 */
export function applyBins(m: FeatureMatrix, cuts: BinCuts, shared: boolean, stride?: number): Uint8Array {
  const nFeat = m.names.length;
  const st = stride ?? nFeat;
  if (st < nFeat) throw new Error(`applyBins: row stride ${st} < ${nFeat} features`);
  const n = m.nRows;
  const a = wasmArena(treeKernelModule(), {
    bins: ["u8", n * st],
    binsCol: ["u8", n * nFeat],
    column: ["f64", n],
    cutTable: ["f64", 256],
  });
  binIntoKernel(m, cuts, a, [{ ptr: a.bins.byteOffset, stride: st, first: 0, end: nFeat }]);
  const bins = shared ? new Uint8Array(new SharedArrayBuffer(n * st)) : new Uint8Array(n * st);
  bins.set(a.bins);
  return bins;
}

export function binCounts(cuts: BinCuts): Int32Array {
  return Int32Array.from(cuts, (c) => c.length + 1);
}

/** The raw-value threshold equivalent to "bin <= b" (x <= threshold goes left). */
export function thresholdOf(cuts: Float64Array, b: number): number {
  return b < cuts.length ? cuts[b] : Number.MAX_VALUE;
}

/**
 * applyBins into a tree kernel's memory, both layouts in one pass per feature: row-major in the
 * bin blocks (byte ptr + r·stride + f of the block holding f, for histograms) and binsCol[f·n + r]
 * (column-major, for partitions); each value gets binOf's bin (tested), about three times as fast
 * as the JS loop it replaced; `column` and `cutTable` (n and 256 doubles) are the kernel's scratch.
 */
export function binIntoKernel(
  m: FeatureMatrix,
  cuts: BinCuts,
  a: { kernel: TreeKernel; binsCol: Uint8Array; column: Float64Array; cutTable: Float64Array },
  blocks: readonly BinBlock[],
): void {
  const n = m.nRows;
  const nFeat = m.names.length;
  if (cuts.length !== nFeat) throw new Error(`binning: ${cuts.length} cut sets for ${nFeat} features`);
  for (let f = 0; f < nFeat; f++) {
    // 254 cuts make 255 bins (0..254): one more would collide with the missing-value bin 255.
    if (cuts[f].length > 254)
      throw new Error(`binning: feature ${f} has ${cuts[f].length} cuts, at most 254 (255 bins)`);
    a.cutTable.fill(Number.POSITIVE_INFINITY);
    a.cutTable.set(cuts[f]);
    a.column.set(m.data.subarray(f * n, (f + 1) * n));
    const blk = blocks.find((b) => f >= b.first && f < b.end);
    if (blk === undefined) throw new Error(`binning: no bin block holds feature ${f}`);
    a.kernel.binColumn(
      a.column.byteOffset,
      n,
      a.cutTable.byteOffset,
      blk.ptr,
      blk.stride,
      f,
      a.binsCol.byteOffset + f * n,
    );
  }
}
