/**
 * The tree engine's shared types: the arrays a kernel call works on, a grown tree, and
 * `KernelFns`, the one object through which a tree-engine function calls a function of another
 * file (see kernelFns.ts and docs/architecture.md, "How tree work reaches worker threads").
 * A leaf: the engine's files import their types from here, so none of them imports another.
 */

import type { TreeKernel } from "./wasm/treeKernelExports";
import type { WasmMemory, WasmModule } from "./wasm/wasmApi";

export type ArenaSpec = Record<string, readonly ["u8" | "i32" | "f64", number]>;
export type Arena<S extends ArenaSpec> = {
  [K in keyof S]: S[K][0] extends "u8" ? Uint8Array : S[K][0] extends "i32" ? Int32Array : Float64Array;
} & { kernel: TreeKernel; memory: WasmMemory };

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
/** The worker threads' side of a multi-threaded growTree: their control words, shared task and errors. */
export interface RemoteThreads {
  ctl: Int32Array;
  task: Float64Array;
  nWorkers: number;
  readError: () => string | undefined;
}

/**
 * A grown tree as plain arrays, one entry per node (children have higher ids than their
 * parent; feature −1 = leaf): the split (feature position, bin, default direction), children,
 * gain, cover (ΣH), value, and the node's segment [segBegin, segEnd) of the partitioned rows.
 */
export interface GrownNodes {
  feature: number[];
  bin: number[];
  defaultLeft: number[];
  left: number[];
  right: number[];
  gain: number[];
  cover: number[];
  value: number[];
  segBegin: number[];
  segEnd: number[];
}

/**
 * The tree-engine functions that another engine file calls, passed as one object (`fns`): a
 * call `fns.f(…)` is a property access, which no module format rewrites, so it runs the same in
 * the main thread and in a worker built from the functions' source text (kernelFns.ts).
 */
export interface KernelFns {
  wasmArena<S extends ArenaSpec>(module: WasmModule, spec: S): Arena<S>;
  rngNext(state: Uint32Array): number;
  featureShareStart(t: number, nf: number, T: number): number;
  rowShareStart(t: number, begin: number, end: number, T: number): number;
  postTask(ctl: Int32Array, task: Float64Array, kind: number): number;
  joinTask(
    ctl: Int32Array,
    task: Float64Array,
    nWorkers: number,
    seq: number,
    readError: () => string | undefined,
  ): void;
  runNodeTask(
    a: TreeArrays,
    t: number,
    fBegin: number,
    fEnd: number,
    task: Float64Array,
    lambda: number,
    alpha: number,
    minChildWeight: number,
  ): void;
  growTree(
    fns: KernelFns,
    a: TreeArrays,
    nRows: number,
    nFeats: number,
    nSlots: number,
    cfg: Float64Array,
    rng: Uint32Array,
    remote: RemoteThreads | null,
  ): GrownNodes;
  leafOfBinned(
    bins: Uint8Array,
    rowStride: number,
    featStride: number,
    r: number,
    feature: Int32Array,
    bin: Int32Array,
    defaultLeft: Uint8Array,
    left: Int32Array,
    right: Int32Array,
  ): number;
}
