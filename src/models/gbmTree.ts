/**
 * One boosting step of a gbm fit: the gradients of one output, the rows and features the tree
 * may use, the quantisation, the grown tree with its leaf values, and the training margins
 * moved by it. The draws from the fit's random state happen in this order (rows, features,
 * then the tree's own), which the saved trees depend on.
 */
import type { BinCuts } from "./binning";
import type { GbmParams } from "./gbmParams";
import type { GbmArena, GbmLayout, GbmThreads } from "./gbmArena";
import { growTree } from "./growTree";
import { rngNext } from "./kernelArena";
import { kernelFns } from "./kernelFns";
import type { GrownNodes, TreeArrays } from "./kernelTypes";
import { leafOfBinned } from "./treeTraversal";
import { softmaxRows } from "./softmax";
import { type Tree, treeFromGrown } from "./tree";

/** A fit's state across its rounds. */
export interface Booster {
  p: GbmParams;
  ctx: string;
  n: number;
  F: number;
  nOut: number;
  y: ArrayLike<number>;
  w: Float64Array | null;
  cuts: BinCuts;
  layout: GbmLayout;
  arena: GbmArena;
  arrays: TreeArrays;
  threads: GbmThreads;
  /** Row and feature sampling, and the tree's own draws. */
  rng: Uint32Array;
  /** The stochastic rounding's mulberry32 state: row i of a round draws its (i + 1)-th number. */
  qSeed: number;
  inSample: Uint8Array;
  /** Softmax: the rows' class probabilities of the round. */
  prob: Float64Array;
  /** [max |g|, max h] of the round's gradients (the quantisation scales). */
  gradMax: Float64Array;
  allFeats: Int32Array;
}

export function probabilities(margin: Float64Array, prob: Float64Array, nOut: number): void {
  if (nOut === 1) {
    for (let i = 0; i < margin.length; i++) prob[i] = 1 / (1 + Math.exp(-margin[i]));
    return;
  }
  softmaxRows(margin, nOut, prob);
}

/**
 * Softmax log-loss gradients and hessians of class k (hessian ×2 as in XGBoost), weighted,
 * interleaved; [max |g|, max h] into out[0..2).
 */
function softmaxGradients(
  gh: Float64Array,
  prob: Float64Array,
  y: ArrayLike<number>,
  w: Float64Array | null,
  nOut: number,
  k: number,
  out: Float64Array,
): void {
  const n = y.length;
  let gMax = 0;
  let hMax = 0;
  for (let i = 0; i < n; i++) {
    const pr = prob[i * nOut + k];
    const wi = w ? w[i] : 1;
    const g = (pr - (y[i] === k ? 1 : 0)) * wi;
    let h = 2 * pr * (1 - pr) * wi;
    h = h > 1e-16 ? h : 1e-16 * wi;
    gh[2 * i] = g;
    gh[2 * i + 1] = h;
    gMax = Math.max(gMax, Math.abs(g));
    hMax = Math.max(hMax, h);
  }
  out[0] = gMax;
  out[1] = hMax;
}

/** Gradients and hessians of output k into arena.gh, their maxima into b.gradMax. */
function gradients(b: Booster, k: number): void {
  const { arena, gradMax } = b;
  if (b.nOut > 1) {
    softmaxGradients(arena.gh, b.prob, b.y, b.w, b.nOut, k, gradMax);
    return;
  }
  b.threads.rowStep([
    0,
    b.n,
    arena.expNeg.byteOffset,
    arena.y.byteOffset,
    b.w ? arena.weight.byteOffset : 0,
    arena.gh.byteOffset,
  ]);
  gradMax[0] = 0;
  gradMax[1] = 0;
  for (let t = 0; t < b.layout.nThreads; t++) {
    gradMax[0] = Math.max(gradMax[0], arena.out[12 * t]);
    gradMax[1] = Math.max(gradMax[1], arena.out[12 * t + 1]);
  }
}

/** The tree's rows into arena.rows (all, or a `subsample` draw marked in b.inSample); their count. */
function sampleRows(b: Booster): number {
  const { n, rng, inSample } = b;
  const rows = b.arena.rows;
  const subsample = b.p.subsample;
  if (subsample >= 1) {
    for (let i = 0; i < n; i++) rows[i] = i;
    return n;
  }
  let m = 0;
  inSample.fill(0);
  for (let i = 0; i < n; i++) {
    if (rngNext(rng) < subsample) {
      rows[m++] = i;
      inSample[i] = 1;
    }
  }
  return m;
}

/** The tree's features into arena.feats, ascending; their count. */
function sampleFeatures(b: Booster): number {
  const { F, allFeats } = b;
  const nColTree = b.layout.nColTree;
  if (nColTree >= F) {
    b.arena.feats.set(allFeats);
    return F;
  }
  // Partial Fisher–Yates, then ascending order so the histogram walks features forwards.
  const perm = allFeats.slice();
  for (let j = 0; j < nColTree; j++) {
    const r = j + Math.floor(rngNext(b.rng) * (F - j));
    const tmp = perm[j];
    perm[j] = perm[r];
    perm[r] = tmp;
  }
  b.arena.feats.set(perm.subarray(0, nColTree).sort());
  return nColTree;
}

/** Refuses data on which no tree can split: all m rows' hessians under 2 × min_child_weight. */
function checkRootHessian(b: Booster, m: number): void {
  const { gh, rows } = b.arena;
  let hRoot = 0;
  for (let i = 0; i < m; i++) hRoot += gh[2 * rows[i] + 1];
  if (hRoot < 2 * b.p.min_child_weight) {
    throw new Error(
      `${b.ctx}: the hessian sum of all rows (${hRoot.toPrecision(4)}) is below 2 × min_child_weight (${b.p.min_child_weight}); no tree can split — lower min_child_weight or add rows`,
    );
  }
}

/** Stochastically rounds the round's gradients into arena.ghq, with scales from its largest |g| and h. */
function quantise(b: Booster, q: { kg: number; kh: number; sb2: number }): void {
  const { gradMax, arena, n } = b;
  const gScale = gradMax[0] > 0 ? gradMax[0] / (2 ** q.kg - 1) : 1;
  const hScale = gradMax[1] > 0 ? gradMax[1] / 2 ** q.kh : 1;
  b.threads.rowStep([1, n, arena.gh.byteOffset, arena.ghq.byteOffset, gScale, hScale, q.sb2, b.qSeed]);
  b.qSeed = (b.qSeed + Math.imul(n, 0x6d2b79f5)) >>> 0;
  const cfg = b.threads.cfg;
  cfg[10] = q.sb2;
  cfg[11] = gScale;
  cfg[12] = hScale;
}

/** The leaf table: leaves in row order (runRowTask gives each thread whole leaves); their node ids. */
function leafTable(g: GrownNodes, leaves: Float64Array): number[] {
  const leafIds: number[] = [];
  for (let node = 0; node < g.feature.length; node++) if (g.feature[node] < 0) leafIds.push(node);
  leafIds.sort((x, z) => g.segBegin[x] - g.segBegin[z]);
  leafIds.forEach((id, l) => {
    leaves[4 * l] = g.segBegin[id];
    leaves[4 * l + 1] = g.segEnd[id];
  });
  return leafIds;
}

/**
 * Node values and covers from the true gradients: leaf l of the leaf table (node leafIds[l]) holds
 * its rows' (G, H) at [4l + 2, 4l + 3]; children have higher ids than their parent, so sums
 * go upwards.
 */
function refitNodes(
  g: GrownNodes,
  leafIds: number[],
  table: Float64Array,
  lambda: number,
  alpha: number,
  lr: number,
): void {
  const sg = new Float64Array(g.feature.length);
  leafIds.forEach((id, l) => {
    sg[id] = table[4 * l + 2];
    g.cover[id] = table[4 * l + 3];
  });
  for (let id = g.feature.length - 1; id >= 0; id--) {
    if (g.feature[id] >= 0) {
      sg[id] = sg[g.left[id]] + sg[g.right[id]];
      g.cover[id] = g.cover[g.left[id]] + g.cover[g.right[id]];
    }
    let t = sg[id];
    if (alpha > 0) t = t > alpha ? t - alpha : t < -alpha ? t + alpha : 0;
    g.value[id] = (-t / (g.cover[id] + lambda)) * lr;
  }
}

/** Adds the tree of output k to the training margins: the m sampled rows from their leaf segments, the rest by traversal. */
function addToMargins(b: Booster, g: GrownNodes, tree: Tree, leafIds: number[], m: number, k: number): void {
  const { arena, n, nOut, inSample } = b;
  const { margin, expNeg, leaves, rows } = arena;
  const binary = nOut === 1;
  if (binary) {
    leafIds.forEach((id, l) => {
      leaves[4 * l + 2] = g.value[id];
      leaves[4 * l + 3] = Math.exp(-g.value[id]);
    });
    b.threads.rowStep([3, m, leaves.byteOffset, leafIds.length, rows.byteOffset, margin.byteOffset, expNeg.byteOffset]);
  } else {
    for (const id of leafIds) {
      for (let i = g.segBegin[id]; i < g.segEnd[id]; i++) margin[rows[i] * nOut + k] += g.value[id];
    }
  }
  if (m === n) return;
  const bin = Int32Array.from(g.bin);
  for (let i = 0; i < n; i++) {
    if (inSample[i] === 1) continue;
    const leaf = leafOfBinned(arena.binsCol, 1, n, i, tree.feature, bin, tree.defaultLeft, tree.left, tree.right);
    margin[i * nOut + k] += g.value[leaf];
    if (binary) {
      const e = expNeg[i] * Math.exp(-g.value[leaf]);
      expNeg[i] = e > 1e-300 && e < 1e300 ? e : Math.exp(-margin[i]);
    }
  }
}

/** Grows the tree of output k in round `round` and moves the training margins by it. */
export function boostTree(b: Booster, round: number, k: number): Tree {
  const { p, arena, layout } = b;
  gradients(b, k);
  const m = sampleRows(b);
  const nf = sampleFeatures(b);
  if (round === 0 && k === 0) checkRootHessian(b, m);
  if (layout.quant) quantise(b, layout.quant);
  const g = growTree(kernelFns, b.arrays, m, nf, layout.nSlots, b.threads.cfg, b.rng, b.threads.remote);
  const leafIds = leafTable(g, arena.leaves);
  if (layout.quant) {
    b.threads.rowStep([2, m, arena.leaves.byteOffset, leafIds.length, arena.gh.byteOffset, arena.rows.byteOffset]);
    refitNodes(g, leafIds, arena.leaves, p.lambda, p.alpha, p.learning_rate);
  }
  const tree = treeFromGrown(g, b.cuts, 1);
  addToMargins(b, g, tree, leafIds, m, k);
  return tree;
}
