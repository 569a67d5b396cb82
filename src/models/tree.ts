/**
 * A fitted tree as parallel typed arrays (node 0 is the root). Internal nodes carry the
 * cover-weighted mean of their leaves in `value`, so `value[0]` is the tree's expected output
 * under the training distribution (TreeSHAP's expected value; sklearn's layout does the same).
 */
import { thresholdOf, type BinCuts } from "./binning";

export interface Tree {
  /** Split feature index, −1 at leaves. */
  readonly feature: Int32Array;
  /** x <= threshold goes left. */
  readonly threshold: Float64Array;
  /** 1: missing (non-finite) values go left. */
  readonly defaultLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  /** Sum of hessians (GBM) or bootstrap weights (RF) reaching the node. */
  readonly cover: Float64Array;
  /** Split gain (loss reduction), 0 at leaves. */
  readonly gain: Float64Array;
}

export interface GrownTree {
  feature: number[];
  bin: number[];
  defaultLeft: number[];
  left: number[];
  right: number[];
  gain: number[];
  cover: number[];
  value: number[];
}

/** Converts kernel output to a Tree, scaling leaf values by `scale` (RF averages its trees). */
export function treeFromGrown(g: GrownTree, cuts: BinCuts, scale: number): Tree {
  const n = g.feature.length;
  const t: Tree = {
    feature: Int32Array.from(g.feature),
    threshold: new Float64Array(n),
    defaultLeft: Uint8Array.from(g.defaultLeft),
    left: Int32Array.from(g.left),
    right: Int32Array.from(g.right),
    value: new Float64Array(n),
    cover: Float64Array.from(g.cover),
    gain: Float64Array.from(g.gain),
  };
  for (let i = 0; i < n; i++) {
    if (g.feature[i] >= 0) t.threshold[i] = thresholdOf(cuts[g.feature[i]], g.bin[i]);
    else t.value[i] = g.value[i] * scale;
  }
  fillInternalValues(t);
  return t;
}

/** Internal node value = cover-weighted mean of its children (children have higher ids). */
export function fillInternalValues(t: Tree): void {
  for (let i = t.feature.length - 1; i >= 0; i--) {
    if (t.feature[i] < 0) continue;
    const l = t.left[i];
    const r = t.right[i];
    const c = t.cover[l] + t.cover[r];
    t.value[i] = c > 0 ? (t.value[l] * t.cover[l] + t.value[r] * t.cover[r]) / c : 0;
  }
}

export function treeDepth(t: Tree): number {
  const depth = new Int32Array(t.feature.length);
  let max = 0;
  for (let i = 0; i < t.feature.length; i++) {
    if (t.feature[i] < 0) continue;
    depth[t.left[i]] = depth[i] + 1;
    depth[t.right[i]] = depth[i] + 1;
    if (depth[i] + 1 > max) max = depth[i] + 1;
  }
  return max;
}
