/**
 * A gbm fit's working memory and threads: how many threads and histogram slots, whether the
 * gradients are quantised, the kernel arrays in one shared WebAssembly memory with the data
 * binned into them, and the worker threads that run on that memory (gbm.ts drives the rounds).
 */
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import { type BinCuts, binCounts, binIntoKernel } from "./binning";
import type { GbmParams } from "./gbmParams";
import { wasmArena } from "./kernelArena";
import { featureShareStart, joinTask, postTask, runRowTask } from "./kernelTasks";
import type { RemoteThreads, TreeArrays } from "./kernelTypes";
import type { FeatureMatrix } from "./matrix";
import { treeKernelModule } from "./wasm/treeKernelModule";
import { firstMessage, resolveThreads, startWorker } from "./workers";

/** Quantised gradients: g in kg bits and h in kh bits, packed as g·sb2 + h. */
export interface Quantisation {
  kg: number;
  kh: number;
  sb2: number;
}

/** The sizes a fit's arrays and threads follow from. */
export interface GbmLayout {
  nThreads: number;
  /** Features per histogram slot, a multiple of 4. */
  stride: number;
  /** Features drawn for each tree. */
  nColTree: number;
  /** Histogram slots: one per open node on the growth stack. */
  nSlots: number;
  /** Feature boundaries of the bin blocks, and each block's row stride. */
  cut: number[];
  blockStride: number[];
  quant: Quantisation | null;
}

export function gbmLayout(p: GbmParams, n: number, F: number): GbmLayout {
  // Features per histogram slot, a multiple of 4 (as every bin block's row stride: the
  // histogram build reads four bins per Uint32 load; padding bins are never read).
  const stride = (F + 3) & ~3;
  const auto = p.n_threads === 0;
  let nThreads = Math.min(resolveThreads(p.n_threads), F);
  if (auto && n * F < 2_000_000) nThreads = 1;
  const nColTree = Math.max(1, Math.round(p.colsample_bytree * F));
  // Bin blocks (TreeArrays.binBlocks): with every feature in every tree, one per thread share
  // (featureShareStart, as growTree splits node tasks).
  const cut = [0];
  if (nColTree === F) for (let t = 1; t < nThreads; t++) cut.push(featureShareStart(t, F, nThreads));
  cut.push(F);
  const blockStride = cut.slice(1).map((e, b) => (e - cut[b] + 3) & ~3);
  const nSlots = (p.max_leaves > 0 ? p.max_leaves : p.max_depth + 1) + 3;
  // Quantised gradients: with sums of n values below 2^nb, gq (kg bits) and hq (kh bits)
  // pack as gq·2^(nb+kh) + hq and every histogram sum stays an exact integer below 2^53.
  const nb = Math.ceil(Math.log2(n + 1));
  const kBits = 53 - 2 * nb;
  const kg = Math.min(15, Math.ceil(kBits / 2));
  const kh = Math.min(15, kBits - kg);
  const quant = p.quantized_gradients && kg >= 5 && kh >= 4 ? { kg, kh, sb2: 2 ** (nb + kh) } : null;
  return { nThreads, stride, nColTree, nSlots, cut, blockStride, quant };
}

function allocate(p: GbmParams, L: GbmLayout, n: number, F: number, nOut: number, weighted: boolean) {
  const S = L.stride;
  return wasmArena(treeKernelModule(), {
    bins: ["u8", n * L.blockStride.reduce((s, x) => s + x, 0)],
    binsCol: ["u8", n * S],
    gh: ["f64", 2 * n],
    ghq: ["f64", L.quant ? n : 0],
    rows: ["i32", n],
    scratch: ["i32", n],
    hist: ["f64", L.nSlots * S * 512],
    nBins: ["i32", F],
    feats: ["i32", 2 * F],
    out: ["f64", L.nThreads * 12],
    acc: ["f64", L.nThreads * S * 256],
    // Per-round arrays of the kernel's gradient steps (binary: y, weights, exp(−margin)).
    y: ["f64", nOut === 1 ? n : 0],
    weight: ["f64", nOut === 1 && weighted ? n : 0],
    margin: ["f64", n * nOut],
    expNeg: ["f64", nOut === 1 ? n : 0],
    // One tree's leaves in row order, 4 doubles each (runRowTask's leaf table).
    leaves: ["f64", 4 * Math.min(n, p.max_leaves > 0 ? p.max_leaves : 2 ** Math.min(p.max_depth, 24))],
    // Binning scratch: one feature column and its cut table.
    column: ["f64", n],
    cutTable: ["f64", 256],
  });
}

export type GbmArena = ReturnType<typeof allocate>;

/** The kernel arrays of a fit, with X binned into them. */
export function gbmArena(
  X: FeatureMatrix,
  cuts: BinCuts,
  p: GbmParams,
  L: GbmLayout,
  nOut: number,
  weighted: boolean,
): { arena: GbmArena; arrays: TreeArrays } {
  const n = X.nRows;
  const arena = allocate(p, L, n, X.names.length, nOut, weighted);
  let blockStart = arena.bins.byteOffset;
  const binBlocks = L.blockStride.map((stride, b) => {
    const blk = { ptr: blockStart - L.cut[b], stride, first: L.cut[b], end: L.cut[b + 1] };
    blockStart += n * stride;
    return blk;
  });
  const arrays: TreeArrays = { ...arena, stride: L.stride, binBlocks };
  binIntoKernel(X, cuts, arena, binBlocks);
  arena.nBins.set(binCounts(cuts));
  return { arena, arrays };
}

const WORKER_ENTRY = `
const d = workerData;
const kernel = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
parentPort.postMessage("ready");
gbmWorkerLoop({ ...d.arrays, kernel }, d.w, d.nWorkers, d.ctl, d.task, d.cfg, d.errors);
`;

function sharedF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}
function sharedI32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

/** The fit's threads: the main thread plus `nThreads − 1` workers on the arena's memory. */
export interface GbmThreads {
  /** growTree's shared settings; cfg[10..12] = [2^sb, gScale, hScale] of the round's quantisation. */
  cfg: Float64Array;
  remote: RemoteThreads | null;
  /** A row-wise step over all threads (runRowTask): [op, rows, arguments…]. */
  rowStep(args: number[]): void;
  /** Stops the workers and closes their error ports. */
  close(): void;
}

export async function startGbmThreads(
  p: GbmParams,
  arena: GbmArena,
  arrays: TreeArrays,
  nThreads: number,
): Promise<GbmThreads> {
  const nWorkers = nThreads - 1;
  const cfg = sharedF64(13);
  cfg.set([
    p.max_depth,
    p.max_leaves,
    p.min_child_weight,
    p.lambda,
    p.alpha,
    p.min_split_gain,
    p.learning_rate,
    0,
    0,
    nThreads,
  ]);
  const ctl = sharedI32(1 + nWorkers);
  const task = sharedF64(30);
  const workers: ReturnType<typeof startWorker>[] = [];
  // Workers get the arrays (views of the shared kernel memory) and instantiate the kernel on it.
  const { kernel, memory, ...views } = arena;
  // One error port per worker: a failing worker sends its error text there, and joinTask
  // reads it synchronously (the main thread is blocked in Atomics.wait, not in the event loop).
  const errorPorts = Array.from({ length: nWorkers }, () => new MessageChannel());
  const readError = (): string | undefined => {
    for (const ch of errorPorts) {
      const m = receiveMessageOnPort(ch.port1);
      if (m) return String(m.message);
    }
    return undefined;
  };
  for (let wi = 0; wi < nWorkers; wi++) {
    const errors = errorPorts[wi].port2;
    const wk = startWorker(
      WORKER_ENTRY,
      {
        module: treeKernelModule(),
        memory,
        arrays: { ...views, stride: arrays.stride, binBlocks: arrays.binBlocks },
        w: wi,
        nWorkers,
        ctl,
        task,
        cfg,
        errors,
      },
      [errors],
    );
    workers.push(wk);
    await firstMessage(wk);
  }
  const remote = nWorkers > 0 ? { ctl, task, nWorkers, readError } : null;
  return {
    cfg,
    remote,
    rowStep: (args) => {
      task.set(args, 22);
      if (remote === null) runRowTask(kernel, memory.buffer, arena.out, 0, 1, task);
      else {
        const seq = postTask(ctl, task, 2);
        runRowTask(kernel, memory.buffer, arena.out, 0, nThreads, task);
        joinTask(ctl, task, nWorkers, seq, readError);
      }
    },
    close: () => {
      if (nWorkers > 0) {
        task[13] = 1;
        Atomics.add(ctl, 0, 1);
        Atomics.notify(ctl, 0);
        for (const wk of workers) void wk.terminate();
      }
      for (const ch of errorPorts) ch.port1.close();
    },
  };
}
