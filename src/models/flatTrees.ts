/** A tree ensemble's trees concatenated into single typed arrays, the form the SHAP kernel and workers take. */
import type { TreeEnsemble } from "./treeEnsemble";
import { treeDepth } from "./tree";

export interface FlatTrees {
  nodeStart: Int32Array;
  treeOutput: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  cover: Float64Array;
  maxDepth: number;
}

export function flattenTrees(e: TreeEnsemble): FlatTrees {
  const nodeStart = new Int32Array(e.trees.length + 1);
  e.trees.forEach((t, i) => {
    nodeStart[i + 1] = nodeStart[i] + t.feature.length;
  });
  const total = nodeStart[e.trees.length];
  const f: FlatTrees = {
    nodeStart,
    treeOutput: Int32Array.from(e.treeOutput),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    defaultLeft: new Uint8Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total),
    cover: new Float64Array(total),
    maxDepth: 0,
  };
  e.trees.forEach((t, i) => {
    const o = nodeStart[i];
    f.feature.set(t.feature, o);
    f.threshold.set(t.threshold, o);
    f.defaultLeft.set(t.defaultLeft, o);
    f.left.set(t.left, o);
    f.right.set(t.right, o);
    f.value.set(t.value, o);
    f.cover.set(t.cover, o);
    f.maxDepth = Math.max(f.maxDepth, treeDepth(t));
  });
  return f;
}
