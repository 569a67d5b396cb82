/**
 * The tree engine's orchestration: node tasks, partitions and row-wise boosting steps shared by
 * the threads, tree growth, the worker loop, binned and raw traversal and a seeded RNG. The hot
 * loops (histograms, split search, partition, gradient steps, binning, TreeSHAP) are WebAssembly
 * (wasm/treeKernel.as.ts) working on typed arrays that live in one shared WebAssembly memory
 * (wasmArena): a kernel call passes their byte offsets.
 *
 * Every function here is self-contained (it calls only other functions of this file and
 * globals) because worker threads receive this file's functions as source text
 * (`Function.prototype.toString`, see workers.ts): that works identically under tsx,
 * vitest and tslab's CommonJS output, needs no path to a worker file and no TS loader in the
 * worker. Constants are therefore literals: 255 = the missing-value bin, 512 = doubles per
 * feature in a histogram slot (256 bins × (gradient, hessian)).
 */

import type { TreeKernel } from "./wasm/treeKernelExports";
import type { WasmApi, WasmMemory, WasmModule } from "./wasm/wasmApi";

export type ArenaSpec = Record<string, readonly ["u8" | "i32" | "f64", number]>;
export type Arena<S extends ArenaSpec> = {
  [K in keyof S]: S[K][0] extends "u8" ? Uint8Array : S[K][0] extends "i32" ? Int32Array : Float64Array;
} & { kernel: TreeKernel; memory: WasmMemory };

/**
 * Zeroed typed arrays laid out in one fresh shared WebAssembly memory (64-byte aligned, so
 * u32/f64/v128 loads are aligned), with the tree kernel instantiated on it. Shared because
 * the module imports a shared memory: worker threads instantiate the same module on it.
 */
export function wasmArena<S extends ArenaSpec>(module: WasmModule, spec: S): Arena<S> {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const bytes = { u8: 1, i32: 4, f64: 8 };
  // Page 0 is the kernel's own: every instantiation (one per worker thread) rewrites its static
  // data there (Math.exp's table sits at 1024), so the arrays start at page 1.
  let top = 65536;
  let largest = { name: "", size: 0 };
  const at: Record<string, number> = {};
  for (const name of Object.keys(spec)) {
    const [kind, n] = spec[name];
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new Error(`tree kernel: array ${name} cannot hold ${n} elements (not a non-negative safe integer)`);
    }
    // Plain arithmetic, not `& ~63`: bitwise operators wrap at 2^31 and turned an absurd size
    // into a negative one.
    const size = Math.ceil((n * bytes[kind]) / 64) * 64;
    at[name] = top;
    top += size;
    if (size > largest.size) largest = { name, size };
  }
  const pages = Math.ceil(top / 65536);
  const gib = (b: number) => (b / 2 ** 30).toFixed(2);
  const need = `the training arrays need ${gib(top)} GiB (the largest, ${largest.name}, ${gib(largest.size)} GiB)`;
  if (pages > 65536) {
    throw new Error(
      `tree kernel: ${need}, beyond WebAssembly's 4 GiB memory (use fewer rows, features or tree levels)`,
    );
  }
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
  } catch (e) {
    throw new Error(`tree kernel: ${need} and the memory could not be allocated (${(e as Error).message})`);
  }
  const kernel = new wasm.Instance(module, { env: { memory } }).exports as TreeKernel;
  const out: Record<string, unknown> = { kernel, memory };
  for (const name of Object.keys(spec)) {
    const [kind, n] = spec[name];
    const buf = memory.buffer;
    out[name] =
      kind === "u8"
        ? new Uint8Array(buf, at[name], n)
        : kind === "i32"
          ? new Int32Array(buf, at[name], n)
          : new Float64Array(buf, at[name], n);
  }
  return out as Arena<S>;
}

/** mulberry32; state is a one-element Uint32Array so callers share and advance it. */
export function rngNext(state: Uint32Array): number {
  state[0] = (state[0] + 0x6d2b79f5) >>> 0;
  let t = state[0];
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** See TreeArrays.binBlocks. */
export interface BinBlock {
  ptr: number;
  stride: number;
  first: number;
  end: number;
}

/**
 * A tree's working arrays, all in one kernel memory (wasmArena). Bins are row-major in
 * binBlocks (histograms walk a node's rows) and column-major in binsCol (a partition reads one
 * feature's column); `stride` is the features per histogram slot; gh holds (g, h) per row and
 * ghq (quantised gradients; else empty) each row's packed integer pair; scratch (one int per
 * row) stages partitions, each thread in the stretch of the rows it partitions; out holds 12
 * doubles and acc stride × 256 doubles per thread (thread t's results and histogram accumulator).
 */
export interface TreeArrays {
  kernel: TreeKernel;
  /**
   * The row-major bins as blocks of features [first, end) (feature positions in a.feats when
   * there is one block): row r's bin of feature f is the byte at ptr + r·stride + f. gbm gives
   * each thread's share of the features its own block, so a thread streams only its bytes of
   * each row (sharing rows doubled the memory traffic: two threads were slower than one at 500k
   * rows); otherwise one block holds every feature.
   */
  binBlocks: BinBlock[];
  binsCol: Uint8Array;
  stride: number;
  gh: Float64Array;
  ghq: Float64Array;
  rows: Int32Array;
  scratch: Int32Array;
  hist: Float64Array;
  nBins: Int32Array;
  feats: Int32Array;
  out: Float64Array;
  acc: Float64Array;
}

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
 *
 * Returns the tree as plain arrays (see the `nodes` object below).
 */
export function growTree(
  a: TreeArrays,
  nRows: number,
  nFeats: number,
  nSlots: number,
  cfg: Float64Array,
  rng: Uint32Array,
  remote: { ctl: Int32Array; task: Float64Array; nWorkers: number; readError: () => string | undefined } | null,
) {
  const maxDepth = cfg[0];
  const maxLeaves = cfg[1];
  const mcw = cfg[2];
  const lambda = cfg[3];
  const alpha = cfg[4];
  const minSplitGain = cfg[5];
  const lr = cfg[6];
  const leafMode = cfg[7];
  const mtry = cfg[8];
  const nThreads = remote === null ? 1 : remote.nWorkers + 1;

  const feature: number[] = [];
  const bin: number[] = [];
  const defaultLeft: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const gain: number[] = [];
  const cover: number[] = [];
  const value: number[] = [];
  const segBegin: number[] = [];
  const segEnd: number[] = [];
  const depth: number[] = [];
  const sumG: number[] = [];
  // Per open node: its best split (6 numbers) and its histogram slot (−1 = none).
  const splitInfo: number[] = [];
  const slotOf: number[] = [];

  const freeSlots: number[] = [];
  for (let s = nSlots - 1; s >= 0; s--) freeSlots.push(s);
  const feats = a.feats;
  const task = remote === null ? new Float64Array(30) : remote.task;
  // Quantised gradients (cfg[10] = 2^sb > 0, see the kernel's histQ): handed to every thread via the task.
  const sb2 = cfg[10];
  task[16] = sb2;
  task[17] = sb2 > 0 ? cfg[11] : 0;
  task[18] = sb2 > 0 ? cfg[12] : 0;
  const mergeOut = new Float64Array(12);

  const newNode = (b: number, e: number, g: number, h: number, d: number): number => {
    const id = feature.length;
    feature.push(-1);
    bin.push(0);
    defaultLeft.push(0);
    left.push(-1);
    right.push(-1);
    gain.push(0);
    cover.push(h);
    sumG.push(g);
    let t = g;
    if (leafMode === 0) {
      if (alpha > 0) t = g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
      value.push((-t / (h + lambda)) * lr);
    } else value.push(h > 0 ? g / h : 0);
    segBegin.push(b);
    segEnd.push(e);
    depth.push(d);
    for (let j = 0; j < 6; j++) splitInfo.push(0);
    splitInfo[id * 6] = Number.NEGATIVE_INFINITY;
    slotOf.push(-1);
    return id;
  };
  const canSplit = (id: number): boolean =>
    (maxDepth <= 0 || depth[id] < maxDepth) && cover[id] >= 2 * mcw && segEnd[id] - segBegin[id] >= 2;

  /**
   * Stable partition of rows[begin..end) by feature f's split. Large nodes are cut into one
   * part per thread; each thread partitions its part in place (right-goers staged in its own
   * stretch of scratch), then the parts' left and right runs are gathered: L0 L1 … R0 R1 …,
   * the order one thread would give, so trees do not depend on the thread count.
   */
  const partitionNode = (f: number, b: number, dl: number, begin: number, end: number): number => {
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
    const seq = postTask(remote.ctl, task, 1);
    const to0 = rowShareStart(1, begin, end, nThreads);
    a.out[0] = k.partition(col, a.rows.byteOffset, begin, to0, b, dl, a.scratch.byteOffset + begin * 4);
    joinTask(remote.ctl, task, remote.nWorkers, seq, remote.readError);
    // Parts so far are gathered as [L…| R…) up to `from`; part t is [from, out[12t]) left-goers
    // then right-goers: swapping the R… block with L_t's extends the gathered prefix.
    let mid = a.out[0];
    for (let t = 1; t < nThreads; t++) {
      const from = rowShareStart(t, begin, end, nThreads);
      const lEnd = a.out[t * 12];
      k.swapBlocks(a.rows.byteOffset, mid, from, lEnd, a.scratch.byteOffset + begin * 4);
      mid += lEnd - from;
    }
    return mid;
  };

  // Runs the node task in `task` on all threads and merges the per-thread best splits.
  const execute = (twoNodes: boolean): void => {
    let nf = nFeats;
    task[20] = 0;
    if (mtry > 0) {
      // Random forest: a fresh feature sample per node (partial Fisher–Yates over a copy of
      // the tree's features, in the second half of feats).
      const h = feats.length >> 1;
      for (let k = 0; k < nFeats; k++) feats[h + k] = feats[k];
      const m = Math.min(mtry, nFeats);
      for (let k = 0; k < m; k++) {
        const j = k + Math.floor(rngNext(rng) * (nFeats - k));
        const tmp = feats[h + k];
        feats[h + k] = feats[h + j];
        feats[h + j] = tmp;
      }
      nf = m;
      task[20] = h;
    }
    // Small tasks stay on this thread: waking a worker costs more than it saves (the split
    // found is the same, ties still go to the lowest feature position). A split search costs
    // about as much as adding 1500 rows (255 bins of gain arithmetic per feature).
    const rowsBuilt = task[1] - task[0] + (task[6] === 2 ? task[8] - task[7] : 0);
    const work = (rowsBuilt + 1500 * (task[3] + (task[6] > 0 ? task[10] : 0))) * nf;
    if (remote === null || work < 65536) {
      runNodeTask(a, 0, 0, nf, task, lambda, alpha, mcw);
      for (let j = 0; j < 12; j++) mergeOut[j] = a.out[j];
      return;
    }
    task[14] = nf;
    const seq = postTask(remote.ctl, task, 0);
    runNodeTask(a, 0, 0, featureShareStart(1, nf, nThreads), task, lambda, alpha, mcw);
    for (let j = 0; j < 12; j++) mergeOut[j] = a.out[j];
    joinTask(remote.ctl, task, remote.nWorkers, seq, remote.readError);
    for (let w = 0; w < remote.nWorkers; w++) {
      const o = (w + 1) * 12;
      for (let c = 0; c < (twoNodes ? 2 : 1); c++) {
        // Ties keep the lower thread (lower feature positions): deterministic for any thread count.
        if (a.out[o + c * 6] > mergeOut[c * 6]) {
          for (let j = 0; j < 6; j++) mergeOut[c * 6 + j] = a.out[o + c * 6 + j];
        }
      }
    }
  };

  const open: number[] = [];
  const takeSlot = (): number => (freeSlots.length > 0 ? (freeSlots.pop() as number) : -1);
  const release = (id: number): void => {
    if (slotOf[id] >= 0) {
      freeSlots.push(slotOf[id]);
      slotOf[id] = -1;
    }
  };
  const accept = (id: number, c: number): void => {
    for (let j = 0; j < 6; j++) splitInfo[id * 6 + j] = mergeOut[c * 6 + j];
    if (splitInfo[id * 6] > minSplitGain && splitInfo[id * 6] > 0) {
      open.push(id);
      // A per-node feature sample makes the histogram useless to the children.
      if (mtry > 0) release(id);
    } else release(id);
  };

  let gRoot = 0;
  let hRoot = 0;
  if (sb2 > 0) {
    // Exact integer sums, decoded as the histogram bins are.
    const s = a.kernel.laneSum(a.ghq.byteOffset, a.rows.byteOffset, 0, nRows);
    const gq = Math.floor(s / sb2);
    gRoot = gq * cfg[11];
    hRoot = (s - gq * sb2) * cfg[12];
  } else {
    a.kernel.segmentSums(a.gh.byteOffset, a.rows.byteOffset, 0, nRows, a.out.byteOffset);
    gRoot = a.out[0];
    hRoot = a.out[1];
  }
  const root = newNode(0, nRows, gRoot, hRoot, 0);
  let nLeaves = 1;
  if (canSplit(root)) {
    const slot = takeSlot();
    slotOf[root] = slot;
    task[0] = 0;
    task[1] = nRows;
    task[2] = slot;
    task[3] = 1;
    task[4] = gRoot;
    task[5] = hRoot;
    task[6] = 0;
    execute(false);
    accept(root, 0);
  }

  while (open.length > 0 && (maxLeaves <= 0 || nLeaves < maxLeaves)) {
    let pick = open.length - 1;
    if (maxLeaves > 0) {
      for (let k = open.length - 2; k >= 0; k--) if (splitInfo[open[k] * 6] > splitInfo[open[pick] * 6]) pick = k;
    }
    const id = open[pick];
    open[pick] = open[open.length - 1];
    open.pop();

    const f = splitInfo[id * 6 + 1];
    const b = splitInfo[id * 6 + 2];
    const dl = splitInfo[id * 6 + 3];
    const gl = splitInfo[id * 6 + 4];
    const hl = splitInfo[id * 6 + 5];
    const begin = segBegin[id];
    const end = segEnd[id];
    const mid = partitionNode(f, b, dl, begin, end);
    feature[id] = f;
    bin[id] = b;
    defaultLeft[id] = dl;
    gain[id] = splitInfo[id * 6];
    const d = depth[id] + 1;
    const l = newNode(begin, mid, gl, hl, d);
    const r = newNode(mid, end, sumG[id] - gl, cover[id] - hl, d);
    left[id] = l;
    right[id] = r;
    nLeaves++;

    const lSplit = canSplit(l);
    const rSplit = canSplit(r);
    if (!lSplit && !rSplit) {
      release(id);
      continue;
    }
    // Build the smaller child; the larger one is parent − smaller in the parent's slot
    // (only when the parent's histogram covers the same features, i.e. no per-node sampling).
    const smallIsLeft = mid - begin <= end - mid;
    const small = smallIsLeft ? l : r;
    const large = smallIsLeft ? r : l;
    const subtract = mtry <= 0 && slotOf[id] >= 0;
    let bothNeeded = lSplit && rSplit;
    let aNode = small;
    if (!bothNeeded) aNode = lSplit ? l : r;
    let aSlot = takeSlot();
    if (aSlot < 0 && !subtract) {
      release(id);
      aSlot = takeSlot();
    }
    if (aSlot < 0) {
      // Pool exhausted (cannot happen with nSlots ≥ open leaves + 1): leave both as leaves.
      release(id);
      continue;
    }
    if (bothNeeded || (subtract && aNode === large)) {
      // Either both children need histograms, or only the large one does and subtraction
      // is cheaper than building it: A = small built directly, B = large.
      aNode = small;
      bothNeeded = true;
    }
    slotOf[aNode] = aSlot;
    task[0] = segBegin[aNode];
    task[1] = segEnd[aNode];
    task[2] = aSlot;
    task[3] = canSplit(aNode) ? 1 : 0;
    task[4] = sumG[aNode];
    task[5] = cover[aNode];
    if (bothNeeded) {
      const bNode = aNode === l ? r : l;
      let bSlot: number;
      if (subtract) {
        bSlot = slotOf[id];
        slotOf[id] = -1;
        task[6] = 1;
      } else {
        release(id);
        bSlot = takeSlot();
        task[6] = 2;
      }
      slotOf[bNode] = bSlot;
      task[7] = segBegin[bNode];
      task[8] = segEnd[bNode];
      task[9] = bSlot;
      task[10] = canSplit(bNode) ? 1 : 0;
      task[11] = sumG[bNode];
      task[12] = cover[bNode];
      execute(true);
      accept(aNode, 0);
      accept(bNode, 1);
    } else {
      release(id);
      task[6] = 0;
      execute(false);
      accept(aNode, 0);
    }
  }
  for (const id of open) release(id);

  return { feature, bin, defaultLeft, left, right, gain, cover, value, segBegin, segEnd };
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
        // A part of a partition (growTree's partitionNode): thread w + 1's share of the rows.
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

/**
 * Leaf index reached by binned row r (training-time traversal, identical to raw thresholds);
 * row r's bin of feature f is bins[r·rowStride + f·featStride] (row- or column-major).
 */
export function leafOfBinned(
  bins: Uint8Array,
  rowStride: number,
  featStride: number,
  r: number,
  feature: Int32Array,
  bin: Int32Array,
  defaultLeft: Uint8Array,
  left: Int32Array,
  right: Int32Array,
): number {
  let node = 0;
  while (feature[node] >= 0) {
    const b = bins[r * rowStride + feature[node] * featStride];
    node = (b === 255 ? defaultLeft[node] === 1 : b <= bin[node]) ? left[node] : right[node];
  }
  return node;
}

/**
 * Adds one tree's output for n rows to out[i * stride + off]; feature f of row i is
 * x[f * fStride + i * rStride] (column-major: fStride = rows, rStride = 1; a row-major block:
 * fStride = 1, rStride = features). Non-finite values follow the learned default direction.
 */
export function addTreeRaw(
  x: Float64Array,
  n: number,
  fStride: number,
  rStride: number,
  feature: Int32Array,
  threshold: Float64Array,
  defaultLeft: Uint8Array,
  left: Int32Array,
  right: Int32Array,
  value: Float64Array,
  out: Float64Array,
  stride: number,
  off: number,
): void {
  for (let i = 0; i < n; i++) {
    let node = 0;
    const base = i * rStride;
    while (feature[node] >= 0) {
      const v = x[feature[node] * fStride + base];
      // v <= t is false for NaN; ±Infinity are treated as missing like NaN.
      if (v - v !== 0) node = defaultLeft[node] === 1 ? left[node] : right[node];
      else node = v <= threshold[node] ? left[node] : right[node];
    }
    out[i * stride + off] += value[node];
  }
}

/**
 * Grows random-forest trees (one worker's share). Bootstrap multiplicities become sample
 * weights (g = w·c·y, h = w·c), so no rows are copied; Newton-free "mean" leaves give the
 * class-1 frequency and the G²/H gain is the Gini decrease. Rows a tree did not draw feed the
 * out-of-bag sums.
 */
export function rfGrowTrees(
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
  const a = wasmArena(module, {
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
      for (let i = 0; i < nRows; i++) counts[Math.floor(rngNext(rng) * nRows)]++;
    } else counts.fill(1);
    let m = 0;
    for (let r = 0; r < nRows; r++) {
      const c = counts[r];
      const w = weight === null ? c : c * weight[r];
      gh[2 * r] = w * y[r];
      gh[2 * r + 1] = w;
      if (c > 0 && w > 0) rows[m++] = r;
    }
    const g = growTree(arrays, m, nFeat, 3, cfg, rng, null);
    if (bootstrap) {
      const fe = Int32Array.from(g.feature);
      const bi = Int32Array.from(g.bin);
      const dl = Uint8Array.from(g.defaultLeft);
      const le = Int32Array.from(g.left);
      const ri = Int32Array.from(g.right);
      for (let r = 0; r < nRows; r++) {
        if (counts[r] !== 0) continue;
        oobSum[r] += g.value[leafOfBinned(bins, nFeat, 1, r, fe, bi, dl, le, ri)];
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
