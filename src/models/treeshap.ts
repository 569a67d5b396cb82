/**
 * SHAP values of a tree ensemble: exact path-dependent TreeSHAP. For every row and output,
 * Σ_f phi[f] + expected = raw margin (the local-accuracy identity, tested to 1e-9 relative).
 */
import { expectedMargin, type TreeEnsemble } from "./treeEnsemble";
import { flattenTrees } from "./flatTrees";
import type { FeatureMatrix } from "./matrix";
import { wasmArena } from "./kernelArena";
import type { TreeKernel } from "./wasm/treeKernelExports";
import { treeKernelModule } from "./wasm/treeKernelModule";
import { firstMessage, resolveThreads, startWorker } from "./workers";

export interface ShapValues {
  /** Row-major n × nOutputs × (nFeatures + 1); the last slot of each output is the expected value. */
  values: Float64Array;
  nOutputs: number;
  names: readonly string[];
  /** Expected margin per output (base score + Σ tree means). */
  expected: Float64Array;
}

function withExpected(e: TreeEnsemble, X: FeatureMatrix, phi: Float64Array): ShapValues {
  const F = X.names.length;
  const k = e.nOutputs;
  const expected = expectedMargin(e);
  for (let i = 0; i < X.nRows; i++) for (let c = 0; c < k; c++) phi[(i * k + c) * (F + 1) + F] = expected[c];
  return { values: phi, nOutputs: k, names: X.names, expected };
}

/**
 * The kernel memory of one TreeSHAP call: the matrix, the flattened trees, phi and `threads`
 * scratch areas; args(begin, end, t) are the kernel's treeShap arguments for thread t's rows.
 */
function shapArena(e: TreeEnsemble, X: FeatureMatrix, threads: number) {
  const F = X.names.length;
  const k = e.nOutputs;
  const ft = flattenTrees(e);
  const nodes = ft.feature.length;
  const size = ((ft.maxDepth + 2) * (ft.maxDepth + 3)) / 2 + ft.maxDepth + 3;
  // The path's four arrays, 1/i up to maxDepth + 3, one row: treeShap's layout of `work`.
  const work = 4 * size + ft.maxDepth + 4 + F;
  const a = wasmArena(treeKernelModule(), {
    x: ["f64", X.data.length],
    nodeStart: ["i32", ft.nodeStart.length],
    treeOutput: ["i32", ft.treeOutput.length],
    feature: ["i32", nodes],
    threshold: ["f64", nodes],
    defaultLeft: ["u8", nodes],
    left: ["i32", nodes],
    right: ["i32", nodes],
    value: ["f64", nodes],
    cover: ["f64", nodes],
    phi: ["f64", X.nRows * k * (F + 1)],
    work: ["f64", threads * work],
  });
  a.x.set(X.data);
  for (const key of [
    "nodeStart",
    "treeOutput",
    "feature",
    "threshold",
    "defaultLeft",
    "left",
    "right",
    "value",
    "cover",
  ] as const) {
    a[key].set(ft[key]);
  }
  const args = (begin: number, end: number, t: number): number[] => [
    a.x.byteOffset,
    X.nRows,
    begin,
    end,
    F,
    k,
    e.trees.length,
    a.nodeStart.byteOffset,
    a.treeOutput.byteOffset,
    a.feature.byteOffset,
    a.threshold.byteOffset,
    a.defaultLeft.byteOffset,
    a.left.byteOffset,
    a.right.byteOffset,
    a.value.byteOffset,
    a.cover.byteOffset,
    ft.maxDepth,
    a.phi.byteOffset,
    0,
    a.work.byteOffset + t * work * 8,
  ];
  return { a, args };
}

/** Single-threaded TreeSHAP. */
export function treeShap(e: TreeEnsemble, X: FeatureMatrix): ShapValues {
  const { a, args } = shapArena(e, X, 1);
  a.kernel.treeShap(...(args(0, X.nRows, 0) as Parameters<TreeKernel["treeShap"]>));
  return withExpected(e, X, Float64Array.from(a.phi));
}

const SHAP_ENTRY = `
const d = workerData;
const kernel = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
kernel.treeShap(...d.args);
parentPort.postMessage("done");
`;

/** TreeSHAP with rows split over worker threads (nThreads 0 = every core). */
export async function treeShapParallel(e: TreeEnsemble, X: FeatureMatrix, nThreads = 0): Promise<ShapValues> {
  const threads = Math.min(resolveThreads(nThreads), Math.max(1, Math.floor(X.nRows / 256)));
  if (threads <= 1) return treeShap(e, X);
  const { a, args } = shapArena(e, X, threads);
  const jobs: Promise<unknown>[] = [];
  const workers = [];
  for (let w = 0; w < threads; w++) {
    const begin = Math.floor((w * X.nRows) / threads);
    const end = Math.floor(((w + 1) * X.nRows) / threads);
    const worker = startWorker(SHAP_ENTRY, { module: treeKernelModule(), memory: a.memory, args: args(begin, end, w) });
    workers.push(worker);
    jobs.push(firstMessage(worker));
  }
  try {
    await Promise.all(jobs);
  } finally {
    for (const w of workers) void w.terminate();
  }
  return withExpected(e, X, Float64Array.from(a.phi));
}
