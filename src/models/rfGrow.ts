/**
 * Random-forest tree growth, run in the worker threads (rf.ts) from its source text: calls into
 * other engine files go through `fns` (kernelFns.ts).
 */

import type { KernelFns, TreeArrays } from "./kernelTypes";
import type { WasmModule } from "./wasm/wasmApi";

/**
 * Grows random-forest trees (one worker's share). Bootstrap multiplicities become sample
 * weights (g = w·c·y, h = w·c), so no rows are copied; Newton-free "mean" leaves give the
 * class-1 frequency and the G²/H gain is the Gini decrease. Rows a tree did not draw feed the
 * out-of-bag sums.
 */
export function rfGrowTrees(
  fns: KernelFns,
  module: WasmModule,
  bins: Uint8Array,
  nFeat: number,
  nRows: number,
  nBins: Int32Array,
  y: Float64Array,
  weight: Float64Array | null,
  cfg: Float64Array,
  seeds: number[],
  bootstrap: boolean,
  oobSum: Float64Array,
  oobCount: Float64Array,
) {
  const a = fns.wasmArena(module, {
    bins: ["u8", nRows * nFeat],
    binsCol: ["u8", nRows * nFeat],
    gh: ["f64", 2 * nRows],
    ghq: ["f64", 0],
    rows: ["i32", nRows],
    scratch: ["i32", nRows],
    hist: ["f64", 3 * nFeat * 512],
    nBins: ["i32", nFeat],
    feats: ["i32", 2 * nFeat],
    out: ["f64", 12],
    acc: ["f64", nFeat * 256],
  });
  const arrays: TreeArrays = {
    ...a,
    stride: nFeat,
    binBlocks: [{ ptr: a.bins.byteOffset, stride: nFeat, first: 0, end: nFeat }],
  };
  a.bins.set(bins);
  a.nBins.set(nBins);
  for (let f = 0; f < nFeat; f++) a.feats[f] = f;
  for (let r = 0; r < nRows; r++) for (let f = 0; f < nFeat; f++) a.binsCol[f * nRows + r] = bins[r * nFeat + f];
  const gh = a.gh;
  const rows = a.rows;
  const counts = new Int32Array(nRows);
  const rng = new Uint32Array(1);
  const trees = [];
  for (let t = 0; t < seeds.length; t++) {
    rng[0] = seeds[t] >>> 0;
    if (bootstrap) {
      counts.fill(0);
      for (let i = 0; i < nRows; i++) counts[Math.floor(fns.rngNext(rng) * nRows)]++;
    } else counts.fill(1);
    let m = 0;
    for (let r = 0; r < nRows; r++) {
      const c = counts[r];
      const w = weight === null ? c : c * weight[r];
      gh[2 * r] = w * y[r];
      gh[2 * r + 1] = w;
      if (c > 0 && w > 0) rows[m++] = r;
    }
    const g = fns.growTree(fns, arrays, m, nFeat, 3, cfg, rng, null);
    if (bootstrap) {
      const fe = Int32Array.from(g.feature);
      const bi = Int32Array.from(g.bin);
      const dl = Uint8Array.from(g.defaultLeft);
      const le = Int32Array.from(g.left);
      const ri = Int32Array.from(g.right);
      for (let r = 0; r < nRows; r++) {
        if (counts[r] !== 0) continue;
        oobSum[r] += g.value[fns.leafOfBinned(bins, nFeat, 1, r, fe, bi, dl, le, ri)];
        oobCount[r] += 1;
      }
    }
    trees.push({
      feature: g.feature,
      bin: g.bin,
      defaultLeft: g.defaultLeft,
      left: g.left,
      right: g.right,
      gain: g.gain,
      cover: g.cover,
      value: g.value,
    });
  }
  return trees;
}
