/**
 * The threads' work on one tree: node tasks (histograms and split search over a share of the
 * features), row steps (gradients, quantisation, leaf sums) over a share of the rows, posting a
 * task to the workers and joining it, and the workers' loop. A tree's arrays live in one
 * WebAssembly memory (kernelArena.ts). Constants are literals (kernelFns.ts says why): a
 * histogram slot holds 512 doubles (4096 bytes) per feature, 256 bins × (g, h).
 */

import type { TreeArrays } from "./kernelTypes";
import type { TreeKernel } from "./wasm/treeKernelExports";

/**
 * One node task, run by thread `t` on feature positions feats[fBegin..fEnd): build node A's
 * histogram (into slot A), then for node B either subtract (B's slot holds the parent,
 * B = parent − A) or build it directly; then search the best split of each node that may split
 * into out[12t..12t + 12).
 * task layout: [aBegin, aEnd, aSlot, aSplit, aG, aH, bMode, bBegin, bEnd, bSlot, bSplit, bG, bH]
 * with bMode 0 = no node B, 1 = subtract, 2 = build; task[14] = features in the task,
 * task[16..18] = [2^sb (0 = float gradients), gScale, hScale], task[20] = where the node's
 * feature list starts in a.feats. Shared by every task kind: task[13] = 1 stops the workers,
 * task[15] = 1 + the index of a failed worker, task[21] = kind (0 node task, 1 partition part,
 * 2 row step), task[22..29] = the partition's or row step's arguments.
 */
export function runNodeTask(
  a: TreeArrays,
  t: number,
  fBegin: number,
  fEnd: number,
  task: Float64Array,
  lambda: number,
  alpha: number,
  minChildWeight: number,
): void {
  const k = a.kernel;
  const slotBytes = a.stride * 4096;
  const hist0 = a.hist.byteOffset;
  // task[20]: where this node's feature list starts in a.feats (a per-node sample sits in its second half).
  const feats = a.feats.byteOffset + task[20] * 4;
  const outP = a.out.byteOffset + t * 96;
  const acc = a.acc.byteOffset + t * a.stride * 2048;
  const sb2 = task[16];
  const ghq = a.ghq.byteOffset;
  // One kernel call per bin block the feature range touches (a thread's share is one block).
  const build = (begin: number, end: number, slot: number): void => {
    for (const blk of a.binBlocks) {
      const lo = Math.max(fBegin, blk.first);
      const hi = Math.min(fEnd, blk.end);
      if (lo >= hi) continue;
      if (sb2 > 0) {
        k.histQ(
          blk.ptr,
          blk.stride,
          ghq,
          a.rows.byteOffset,
          begin,
          end,
          feats,
          lo,
          hi,
          slot,
          sb2,
          task[17],
          task[18],
          acc,
        );
      } else k.histF(blk.ptr, blk.stride, a.gh.byteOffset, a.rows.byteOffset, begin, end, feats, lo, hi, slot);
    }
  };
  const aSlot = hist0 + task[2] * slotBytes;
  build(task[0], task[1], aSlot);
  if (task[3] === 1) {
    k.bestSplit(aSlot, feats, fBegin, fEnd, a.nBins.byteOffset, task[4], task[5], lambda, alpha, minChildWeight, outP);
  } else a.out[t * 12] = Number.NEGATIVE_INFINITY;
  const bMode = task[6];
  if (bMode === 0) return;
  const bSlot = hist0 + task[9] * slotBytes;
  if (bMode === 1) k.subtract(bSlot, aSlot, feats, fBegin, fEnd);
  else build(task[7], task[8], bSlot);
  if (task[10] === 1) {
    k.bestSplit(
      bSlot,
      feats,
      fBegin,
      fEnd,
      a.nBins.byteOffset,
      task[11],
      task[12],
      lambda,
      alpha,
      minChildWeight,
      outP + 48,
    );
  } else a.out[t * 12 + 6] = Number.NEGATIVE_INFINITY;
}

/**
 * Thread t of T's first feature position among nf: (⌊t·nf/T⌋ + 2) & ~3, a multiple of 4, so with
 * all features each share reads whole Uint32 words of bins (and is one bin block in gbm); nf for t ≥ T.
 */
export function featureShareStart(t: number, nf: number, T: number): number {
  return t >= T ? nf : Math.min(nf, (Math.floor((t * nf) / T) + 2) & ~3);
}

/** Thread t of T's first row of [begin, end): begin + ⌊t·(end − begin)/T⌋; end for t ≥ T. */
export function rowShareStart(t: number, begin: number, end: number, T: number): number {
  return t >= T ? end : begin + Math.floor((t * (end - begin)) / T);
}

/** Wakes the workers for the task in `task` (task[21] = kind); returns its sequence number. */
export function postTask(ctl: Int32Array, task: Float64Array, kind: number): number {
  task[13] = 0;
  task[21] = kind;
  const seq = (Atomics.load(ctl, 0) + 1) | 0;
  Atomics.store(ctl, 0, seq);
  Atomics.notify(ctl, 0);
  return seq;
}

/**
 * Waits until every worker has finished task `seq`; a worker's failure becomes an error with
 * the worker's own message (readError: the next message of the workers' error ports, if any).
 */
export function joinTask(
  ctl: Int32Array,
  task: Float64Array,
  nWorkers: number,
  seq: number,
  readError: () => string | undefined,
): void {
  for (let w = 0; w < nWorkers; w++) {
    while (true) {
      const done = Atomics.load(ctl, 1 + w);
      if (done === seq) break;
      Atomics.wait(ctl, 1 + w, done);
    }
  }
  if (task[15] !== 0) {
    throw new Error(`gbm: worker thread ${task[15] - 1} failed during a task: ${readError() ?? "(no message)"}`);
  }
}

/**
 * Thread t of T's share of a row-wise boosting step (task[21] = 2, op = task[22], n = task[23]):
 * rows [⌊t·n/T⌋, ⌊(t+1)·n/T⌋) (ops 0, 1), or the leaves of the leaf table (4 doubles per leaf,
 * ascending row positions) whose rows start in that range (ops 2, 3: one thread sums a leaf, in
 * row order, so results do not depend on the thread count). `out` gets 12 doubles per thread.
 *  op 0 logistic gradients: task[24..27] = [expNeg, y, weight, gh] → out[12t..12t+2) = maxima
 *  op 1 quantise: task[24..29] = [gh, ghq, gScale, hScale, sb2, seed]
 *  op 2 leaf sums: task[24..27] = [leaves, nLeaves, gh, rows]
 *  op 3 apply leaves: task[24..28] = [leaves, nLeaves, rows, margin, expNeg]
 */
export function runRowTask(
  k: TreeKernel,
  memory: SharedArrayBuffer,
  out: Float64Array,
  t: number,
  T: number,
  task: Float64Array,
): void {
  const op = task[22];
  const n = task[23];
  const from = rowShareStart(t, 0, n, T);
  const to = rowShareStart(t + 1, 0, n, T);
  if (op === 0) k.logisticGradients(task[24], task[25], task[26], task[27], from, to, out.byteOffset + t * 96);
  else if (op === 1) k.quantizeGradients(task[24], task[25], from, to, task[26], task[27], task[28], task[29]);
  else {
    const leaves = new Float64Array(memory, task[24], 4 * task[25]);
    let l0 = 0;
    while (l0 < task[25] && leaves[4 * l0] < from) l0++;
    let l1 = l0;
    while (l1 < task[25] && leaves[4 * l1] < to) l1++;
    if (op === 2) k.leafSums(task[24], l0, l1, task[26], task[27]);
    else k.applyLeaves(task[24], l0, l1, task[26], task[27], task[28]);
  }
}
/**
 * Worker loop for GBM tasks (node tasks, partition parts, row steps: task[21]); `w` is this
 * worker's index (thread w + 1).
 */
export function gbmWorkerLoop(
  a: TreeArrays,
  w: number,
  nWorkers: number,
  ctl: Int32Array,
  task: Float64Array,
  cfg: Float64Array,
  errors: { postMessage(message: string): void },
): void {
  // The main thread starts its sequence at 0; starting from the constant (not a load) means a
  // task posted before this worker ran is still seen.
  let seen = 0;
  const nThreads = nWorkers + 1;
  while (true) {
    Atomics.wait(ctl, 0, seen);
    const seq = Atomics.load(ctl, 0);
    if (seq === seen) continue;
    seen = seq;
    if (task[13] === 1) return;
    try {
      if (task[21] === 2) runRowTask(a.kernel, a.gh.buffer as SharedArrayBuffer, a.out, w + 1, nThreads, task);
      else if (task[21] === 1) {
        // A part of a partition (growTree.ts's partitionRows): thread w + 1's share of the rows.
        const from = rowShareStart(w + 1, task[23], task[24], nThreads);
        const to = rowShareStart(w + 2, task[23], task[24], nThreads);
        const s = a.scratch.byteOffset + from * 4;
        a.out[(w + 1) * 12] = a.kernel.partition(task[22], a.rows.byteOffset, from, to, task[25], task[26], s);
      } else {
        const nf = task[14];
        const fBegin = featureShareStart(w + 1, nf, nThreads);
        runNodeTask(a, w + 1, fBegin, featureShareStart(w + 2, nf, nThreads), task, cfg[3], cfg[4], cfg[2]);
      }
    } catch (e) {
      // The main thread is blocked in Atomics.wait and cannot see an 'error' event: flag the
      // failure and send its text through the error port (joinTask reads it synchronously).
      task[15] = w + 1;
      errors.postMessage(e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
    Atomics.store(ctl, 1 + w, seq);
    Atomics.notify(ctl, 1 + w);
  }
}
