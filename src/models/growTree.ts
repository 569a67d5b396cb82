/**
 * Growing one tree on a.rows, by phases: the growth's state (startGrowth), the root's sums,
 * split search on all threads (findSplits), partitioning a split node's rows (partitionRows),
 * and choosing which children get histograms and how (scheduleChildren). Worker threads run
 * these functions from their source text: calls into another engine file go through `fns`
 * (kernelFns.ts); every function here is exported so the workers receive it.
 */

import type { GrownNodes, KernelFns, RemoteThreads, TreeArrays } from "./kernelTypes";

/** One tree's growth in progress: its settings (from cfg), nodes, open leaves and histogram slots. */
export interface Growth {
  a: TreeArrays;
  remote: RemoteThreads | null;
  rng: Uint32Array;
  nFeats: number;
  nThreads: number;
  maxDepth: number;
  maxLeaves: number;
  mcw: number;
  lambda: number;
  alpha: number;
  minSplitGain: number;
  lr: number;
  leafMode: number;
  mtry: number;
  nodes: GrownNodes;
  depth: number[];
  sumG: number[];
  /** Per node: its best split (6 numbers: gain, feature, bin, default left, G and H of the left child). */
  splitInfo: number[];
  /** Per node: its histogram slot (−1 = none). */
  slotOf: number[];
  freeSlots: number[];
  /** Leaves whose best split passes the gain thresholds. */
  open: number[];
  task: Float64Array;
  /** The best splits of the task's node A (0..6) and B (6..12), merged over threads. */
  mergeOut: Float64Array;
}

/**
 * Grows one tree over a.rows[0..nRows) on the features a.feats[0..nFeats) (rows is
 * partitioned in place; on return each leaf owns a contiguous segment). Best-first when
 * maxLeaves > 0 (the open leaf with the largest gain splits next), otherwise depth-first: with
 * no leaf limit the order does not change the tree.
 *
 * cfg: [maxDepth, maxLeaves, minChildWeight, lambda, alpha, minSplitGain, learningRate,
 *       leafMode (0 Newton step −T(G)/(H+λ)·lr, 1 mean G/H), mtry (0 = all of feats per node),
 *       nThreads, 2^sb (0 = float gradients), gScale, hScale]
 * With nThreads > 1 the caller runs in the main thread and `remote` drives the worker threads
 * (feature-parallel node tasks, row-parallel partitions of large nodes); remote is null otherwise. With mtry > 0
 * each node's feature sample is drawn into the second half of a.feats (its length is 2 × the
 * features).
 */
export function growTree(
  fns: KernelFns,
  a: TreeArrays,
  nRows: number,
  nFeats: number,
  nSlots: number,
  cfg: Float64Array,
  rng: Uint32Array,
  remote: RemoteThreads | null,
): GrownNodes {
  const s = startGrowth(a, nFeats, nSlots, cfg, rng, remote);
  const [gRoot, hRoot] = rootSums(s, nRows, cfg);
  const root = addNode(s, 0, nRows, gRoot, hRoot, 0);
  let nLeaves = 1;
  if (canSplit(s, root)) {
    const slot = takeSlot(s);
    s.slotOf[root] = slot;
    const task = s.task;
    task[0] = 0;
    task[1] = nRows;
    task[2] = slot;
    task[3] = 1;
    task[4] = gRoot;
    task[5] = hRoot;
    task[6] = 0;
    findSplits(fns, s, false);
    acceptSplit(s, root, 0);
  }
  while (s.open.length > 0 && (s.maxLeaves <= 0 || nLeaves < s.maxLeaves)) {
    const id = takeOpen(s);
    const mid = splitNode(fns, s, id);
    nLeaves++;
    scheduleChildren(fns, s, id, mid);
  }
  for (const id of s.open) releaseSlot(s, id);
  return s.nodes;
}

/** The growth's initial state: cfg unpacked, all nSlots histogram slots free, the task's quantisation set. */
export function startGrowth(
  a: TreeArrays,
  nFeats: number,
  nSlots: number,
  cfg: Float64Array,
  rng: Uint32Array,
  remote: RemoteThreads | null,
): Growth {
  const freeSlots: number[] = [];
  for (let s = nSlots - 1; s >= 0; s--) freeSlots.push(s);
  const task = remote === null ? new Float64Array(30) : remote.task;
  // Quantised gradients (cfg[10] = 2^sb > 0, see the kernel's histQ): handed to every thread via the task.
  const sb2 = cfg[10];
  task[16] = sb2;
  task[17] = sb2 > 0 ? cfg[11] : 0;
  task[18] = sb2 > 0 ? cfg[12] : 0;
  return {
    a,
    remote,
    rng,
    nFeats,
    nThreads: remote === null ? 1 : remote.nWorkers + 1,
    maxDepth: cfg[0],
    maxLeaves: cfg[1],
    mcw: cfg[2],
    lambda: cfg[3],
    alpha: cfg[4],
    minSplitGain: cfg[5],
    lr: cfg[6],
    leafMode: cfg[7],
    mtry: cfg[8],
    nodes: {
      feature: [],
      bin: [],
      defaultLeft: [],
      left: [],
      right: [],
      gain: [],
      cover: [],
      value: [],
      segBegin: [],
      segEnd: [],
    },
    depth: [],
    sumG: [],
    splitInfo: [],
    slotOf: [],
    freeSlots,
    open: [],
    task,
    mergeOut: new Float64Array(12),
  };
}

/** The root's (G, H): exact integer sums when gradients are quantised (decoded as the histogram bins are). */
export function rootSums(s: Growth, nRows: number, cfg: Float64Array): [number, number] {
  const a = s.a;
  const sb2 = cfg[10];
  if (sb2 > 0) {
    const sum = a.kernel.laneSum(a.ghq.byteOffset, a.rows.byteOffset, 0, nRows);
    const gq = Math.floor(sum / sb2);
    return [gq * cfg[11], (sum - gq * sb2) * cfg[12]];
  }
  a.kernel.segmentSums(a.gh.byteOffset, a.rows.byteOffset, 0, nRows, a.out.byteOffset);
  return [a.out[0], a.out[1]];
}

/** Adds a leaf over rows[b..e) with sums (g, h) at depth d; returns its id. */
export function addNode(s: Growth, b: number, e: number, g: number, h: number, d: number): number {
  const n = s.nodes;
  const id = n.feature.length;
  n.feature.push(-1);
  n.bin.push(0);
  n.defaultLeft.push(0);
  n.left.push(-1);
  n.right.push(-1);
  n.gain.push(0);
  n.cover.push(h);
  s.sumG.push(g);
  let t = g;
  if (s.leafMode === 0) {
    if (s.alpha > 0) t = g > s.alpha ? g - s.alpha : g < -s.alpha ? g + s.alpha : 0;
    n.value.push((-t / (h + s.lambda)) * s.lr);
  } else n.value.push(h > 0 ? g / h : 0);
  n.segBegin.push(b);
  n.segEnd.push(e);
  s.depth.push(d);
  for (let j = 0; j < 6; j++) s.splitInfo.push(0);
  s.splitInfo[id * 6] = Number.NEGATIVE_INFINITY;
  s.slotOf.push(-1);
  return id;
}

export function canSplit(s: Growth, id: number): boolean {
  const n = s.nodes;
  return (
    (s.maxDepth <= 0 || s.depth[id] < s.maxDepth) && n.cover[id] >= 2 * s.mcw && n.segEnd[id] - n.segBegin[id] >= 2
  );
}

export function takeSlot(s: Growth): number {
  return s.freeSlots.length > 0 ? (s.freeSlots.pop() as number) : -1;
}

export function releaseSlot(s: Growth, id: number): void {
  if (s.slotOf[id] >= 0) {
    s.freeSlots.push(s.slotOf[id]);
    s.slotOf[id] = -1;
  }
}

/** Records node id's best split (mergeOut's node c); the node stays open if the split gains enough. */
export function acceptSplit(s: Growth, id: number, c: number): void {
  for (let j = 0; j < 6; j++) s.splitInfo[id * 6 + j] = s.mergeOut[c * 6 + j];
  if (s.splitInfo[id * 6] > s.minSplitGain && s.splitInfo[id * 6] > 0) {
    s.open.push(id);
    // A per-node feature sample makes the histogram useless to the children.
    if (s.mtry > 0) releaseSlot(s, id);
  } else releaseSlot(s, id);
}

/** Removes and returns the next open leaf to split: the best gain (best-first), else the last opened. */
export function takeOpen(s: Growth): number {
  const open = s.open;
  let pick = open.length - 1;
  if (s.maxLeaves > 0) {
    for (let k = open.length - 2; k >= 0; k--) if (s.splitInfo[open[k] * 6] > s.splitInfo[open[pick] * 6]) pick = k;
  }
  const id = open[pick];
  open[pick] = open[open.length - 1];
  open.pop();
  return id;
}

/** Splits leaf id by its best split: partitions its rows and adds both children; returns where the right child starts. */
export function splitNode(fns: KernelFns, s: Growth, id: number): number {
  const n = s.nodes;
  const info = s.splitInfo;
  const f = info[id * 6 + 1];
  const b = info[id * 6 + 2];
  const dl = info[id * 6 + 3];
  const gl = info[id * 6 + 4];
  const hl = info[id * 6 + 5];
  const begin = n.segBegin[id];
  const end = n.segEnd[id];
  const mid = partitionRows(fns, s, f, b, dl, begin, end);
  n.feature[id] = f;
  n.bin[id] = b;
  n.defaultLeft[id] = dl;
  n.gain[id] = info[id * 6];
  const d = s.depth[id] + 1;
  n.left[id] = addNode(s, begin, mid, gl, hl, d);
  n.right[id] = addNode(s, mid, end, s.sumG[id] - gl, n.cover[id] - hl, d);
  return mid;
}

/**
 * Stable partition of rows[begin..end) by feature f's split. Large nodes are cut into one
 * part per thread; each thread partitions its part in place (right-goers staged in its own
 * stretch of scratch), then the parts' left and right runs are gathered: L0 L1 … R0 R1 …,
 * the order one thread would give, so trees do not depend on the thread count.
 */
export function partitionRows(
  fns: KernelFns,
  s: Growth,
  f: number,
  b: number,
  dl: number,
  begin: number,
  end: number,
): number {
  const { a, remote, task, nThreads } = s;
  const col = a.binsCol.byteOffset + f * (a.binsCol.length / a.stride);
  const k = a.kernel;
  if (remote === null || end - begin < 32768) {
    return k.partition(col, a.rows.byteOffset, begin, end, b, dl, a.scratch.byteOffset);
  }
  task[22] = col;
  task[23] = begin;
  task[24] = end;
  task[25] = b;
  task[26] = dl;
  const seq = fns.postTask(remote.ctl, task, 1);
  const to0 = fns.rowShareStart(1, begin, end, nThreads);
  a.out[0] = k.partition(col, a.rows.byteOffset, begin, to0, b, dl, a.scratch.byteOffset + begin * 4);
  fns.joinTask(remote.ctl, task, remote.nWorkers, seq, remote.readError);
  // Parts so far are gathered as [L…| R…) up to `from`; part t is [from, out[12t]) left-goers
  // then right-goers: swapping the R… block with L_t's extends the gathered prefix.
  let mid = a.out[0];
  for (let t = 1; t < nThreads; t++) {
    const from = fns.rowShareStart(t, begin, end, nThreads);
    const lEnd = a.out[t * 12];
    k.swapBlocks(a.rows.byteOffset, mid, from, lEnd, a.scratch.byteOffset + begin * 4);
    mid += lEnd - from;
  }
  return mid;
}

/**
 * After leaf id split at `mid`: gives its children histograms and searches their splits. The
 * smaller child's histogram is built; the larger one's is parent − smaller in the parent's slot
 * (only when the parent's histogram covers the same features, i.e. no per-node sampling).
 */
export function scheduleChildren(fns: KernelFns, s: Growth, id: number, mid: number): void {
  const n = s.nodes;
  const task = s.task;
  const l = n.left[id];
  const r = n.right[id];
  const lSplit = canSplit(s, l);
  const rSplit = canSplit(s, r);
  if (!lSplit && !rSplit) {
    releaseSlot(s, id);
    return;
  }
  const smallIsLeft = mid - n.segBegin[id] <= n.segEnd[id] - mid;
  const small = smallIsLeft ? l : r;
  const large = smallIsLeft ? r : l;
  const subtract = s.mtry <= 0 && s.slotOf[id] >= 0;
  let bothNeeded = lSplit && rSplit;
  let aNode = small;
  if (!bothNeeded) aNode = lSplit ? l : r;
  let aSlot = takeSlot(s);
  if (aSlot < 0 && !subtract) {
    releaseSlot(s, id);
    aSlot = takeSlot(s);
  }
  if (aSlot < 0) {
    // Pool exhausted (cannot happen with nSlots ≥ open leaves + 1): leave both as leaves.
    releaseSlot(s, id);
    return;
  }
  if (bothNeeded || (subtract && aNode === large)) {
    // Either both children need histograms, or only the large one does and subtraction
    // is cheaper than building it: A = small built directly, B = large.
    aNode = small;
    bothNeeded = true;
  }
  s.slotOf[aNode] = aSlot;
  task[0] = n.segBegin[aNode];
  task[1] = n.segEnd[aNode];
  task[2] = aSlot;
  task[3] = canSplit(s, aNode) ? 1 : 0;
  task[4] = s.sumG[aNode];
  task[5] = n.cover[aNode];
  if (!bothNeeded) {
    releaseSlot(s, id);
    task[6] = 0;
    findSplits(fns, s, false);
    acceptSplit(s, aNode, 0);
    return;
  }
  const bNode = aNode === l ? r : l;
  let bSlot: number;
  if (subtract) {
    bSlot = s.slotOf[id];
    s.slotOf[id] = -1;
    task[6] = 1;
  } else {
    releaseSlot(s, id);
    bSlot = takeSlot(s);
    task[6] = 2;
  }
  s.slotOf[bNode] = bSlot;
  task[7] = n.segBegin[bNode];
  task[8] = n.segEnd[bNode];
  task[9] = bSlot;
  task[10] = canSplit(s, bNode) ? 1 : 0;
  task[11] = s.sumG[bNode];
  task[12] = n.cover[bNode];
  findSplits(fns, s, true);
  acceptSplit(s, aNode, 0);
  acceptSplit(s, bNode, 1);
}

/** Runs the node task in s.task on all threads and merges the per-thread best splits into s.mergeOut. */
export function findSplits(fns: KernelFns, s: Growth, twoNodes: boolean): void {
  const { a, remote, task, mergeOut, lambda, alpha, mcw } = s;
  const nf = s.mtry > 0 ? sampleFeatures(fns, s) : s.nFeats;
  if (s.mtry <= 0) task[20] = 0;
  // Small tasks stay on this thread: waking a worker costs more than it saves (the split
  // found is the same, ties still go to the lowest feature position). A split search costs
  // about as much as adding 1500 rows (255 bins of gain arithmetic per feature).
  const rowsBuilt = task[1] - task[0] + (task[6] === 2 ? task[8] - task[7] : 0);
  const work = (rowsBuilt + 1500 * (task[3] + (task[6] > 0 ? task[10] : 0))) * nf;
  if (remote === null || work < 65536) {
    fns.runNodeTask(a, 0, 0, nf, task, lambda, alpha, mcw);
    for (let j = 0; j < 12; j++) mergeOut[j] = a.out[j];
    return;
  }
  task[14] = nf;
  const seq = fns.postTask(remote.ctl, task, 0);
  fns.runNodeTask(a, 0, 0, fns.featureShareStart(1, nf, s.nThreads), task, lambda, alpha, mcw);
  for (let j = 0; j < 12; j++) mergeOut[j] = a.out[j];
  fns.joinTask(remote.ctl, task, remote.nWorkers, seq, remote.readError);
  for (let w = 0; w < remote.nWorkers; w++) {
    const o = (w + 1) * 12;
    for (let c = 0; c < (twoNodes ? 2 : 1); c++) {
      // Ties keep the lower thread (lower feature positions): deterministic for any thread count.
      if (a.out[o + c * 6] > mergeOut[c * 6]) {
        for (let j = 0; j < 6; j++) mergeOut[c * 6 + j] = a.out[o + c * 6 + j];
      }
    }
  }
}

/**
 * Random forest: a fresh feature sample per node (partial Fisher–Yates over a copy of the
 * tree's features, in the second half of feats); sets task[20] to where it starts and returns
 * its size.
 */
export function sampleFeatures(fns: KernelFns, s: Growth): number {
  const feats = s.a.feats;
  const nFeats = s.nFeats;
  const h = feats.length >> 1;
  for (let k = 0; k < nFeats; k++) feats[h + k] = feats[k];
  const m = Math.min(s.mtry, nFeats);
  for (let k = 0; k < m; k++) {
    const j = k + Math.floor(fns.rngNext(s.rng) * (nFeats - k));
    const tmp = feats[h + k];
    feats[h + k] = feats[h + j];
    feats[h + j] = tmp;
  }
  s.task[20] = h;
  return m;
}
