/**
 * SHAP values of a tree ensemble: exact path-dependent TreeSHAP. For every row and output,
 * Σ_f phi[f] + expected = raw margin (the local-accuracy identity, tested to 1e-9 relative).
 */
import { expectedMargin, type TreeEnsemble } from "./ensemble";
import { flattenTrees } from "./flatTrees";
import type { FeatureMatrix } from "./matrix";
import { treeShapRows } from "./treeshapKernel";
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

/** Single-threaded TreeSHAP. */
export function treeShap(e: TreeEnsemble, X: FeatureMatrix): ShapValues {
  const F = X.names.length;
  const ft = flattenTrees(e);
  const phi = new Float64Array(X.nRows * e.nOutputs * (F + 1));
  treeShapRows(
    X.data,
    X.nRows,
    0,
    X.nRows,
    F,
    e.nOutputs,
    ft.nodeStart,
    ft.treeOutput,
    ft.feature,
    ft.threshold,
    ft.defaultLeft,
    ft.left,
    ft.right,
    ft.value,
    ft.cover,
    ft.maxDepth,
    phi,
    0,
  );
  return withExpected(e, X, phi);
}

const SHAP_ENTRY = `
const d = workerData;
const phi = new Float64Array(d.phi.buffer, d.phi.byteOffset, d.phi.length);
treeShapRows(d.x, d.n, d.begin, d.end, d.nFeat, d.nOutputs, d.t.nodeStart, d.t.treeOutput, d.t.feature,
  d.t.threshold, d.t.defaultLeft, d.t.left, d.t.right, d.t.value, d.t.cover, d.t.maxDepth, phi, 0);
parentPort.postMessage("done");
`;

/** TreeSHAP with rows split over worker threads (nThreads 0 = every core). */
export async function treeShapParallel(e: TreeEnsemble, X: FeatureMatrix, nThreads = 0): Promise<ShapValues> {
  const threads = Math.min(resolveThreads(nThreads), Math.max(1, Math.floor(X.nRows / 256)));
  if (threads <= 1) return treeShap(e, X);
  const F = X.names.length;
  const ft = flattenTrees(e);
  const x = new Float64Array(new SharedArrayBuffer(X.data.length * 8));
  x.set(X.data);
  const phi = new Float64Array(new SharedArrayBuffer(X.nRows * e.nOutputs * (F + 1) * 8));
  const jobs: Promise<unknown>[] = [];
  const workers = [];
  for (let w = 0; w < threads; w++) {
    const begin = Math.floor((w * X.nRows) / threads);
    const end = Math.floor(((w + 1) * X.nRows) / threads);
    const worker = startWorker(SHAP_ENTRY, { x, n: X.nRows, begin, end, nFeat: F, nOutputs: e.nOutputs, t: ft, phi });
    workers.push(worker);
    jobs.push(firstMessage(worker));
  }
  try {
    await Promise.all(jobs);
  } finally {
    for (const w of workers) void w.terminate();
  }
  return withExpected(e, X, Float64Array.from(phi));
}
