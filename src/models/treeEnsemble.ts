/**
 * The trees' additive ensemble, the fitted form shared by `gbm` and `rf` (not to be confused
 * with the `ensemble` model kind, a blend of models: blendModel.ts): output k's raw margin is baseScore[k] plus the sum
 * of the trees whose treeOutput is k; the link maps margins to probabilities. RF stores leaf
 * values already divided by its tree count, so the same identity (margin = base + Σ trees) holds
 * for both and TreeSHAP needs no special case.
 */
import { addTreeRaw } from "./treeTraversal";
import type { FeatureMatrix } from "./matrix";
import { softmaxRows } from "./softmax";
import type { Tree } from "./tree";

/** logit: binary log-odds; softmax: one margin per class; identity: the margin is P(class 1). */
export type Link = "logit" | "softmax" | "identity";

export interface TreeEnsemble {
  readonly trees: Tree[];
  /** Which output each tree adds to. */
  readonly treeOutput: Int32Array;
  /** 1 for binary models (P(class 1)), else the number of classes. */
  readonly nOutputs: number;
  readonly baseScore: Float64Array;
  readonly link: Link;
}

/** Rows per prediction block: a block (rows × features doubles) stays in L2 while every tree walks it. */
const BLOCK = 256;

/** Raw margins, row-major n × nOutputs. */
export function predictMargin(e: TreeEnsemble, X: FeatureMatrix): Float64Array {
  const n = X.nRows;
  const F = X.names.length;
  const k = e.nOutputs;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = e.baseScore[c];
  // Rows in row-major blocks, trees inner: a tree's nodes and the block stay in cache, and each
  // row still sums base + trees in tree order (the saved-model reproducibility contract).
  const block = new Float64Array(BLOCK * F);
  for (let b0 = 0; b0 < n; b0 += BLOCK) {
    const nb = Math.min(BLOCK, n - b0);
    for (let f = 0; f < F; f++) {
      const col = f * n + b0;
      for (let i = 0; i < nb; i++) block[i * F + f] = X.data[col + i];
    }
    const outBlock = out.subarray(b0 * k, (b0 + nb) * k);
    for (let j = 0; j < e.trees.length; j++) {
      const t = e.trees[j];
      addTreeRaw(
        block,
        nb,
        1,
        F,
        t.feature,
        t.threshold,
        t.defaultLeft,
        t.left,
        t.right,
        t.value,
        outBlock,
        k,
        e.treeOutput[j],
      );
    }
  }
  return out;
}

/** Applies the link in place: probabilities, row-major n × nOutputs. */
export function marginToProba(e: TreeEnsemble, m: Float64Array): Float64Array {
  const k = e.nOutputs;
  if (e.link === "logit") for (let i = 0; i < m.length; i++) m[i] = 1 / (1 + Math.exp(-m[i]));
  else if (e.link === "identity") {
    // A forest's mean of leaf frequencies can round to just outside [0, 1].
    for (let i = 0; i < m.length; i++) m[i] = Math.min(1, Math.max(0, m[i]));
  } else if (e.link === "softmax") softmaxRows(m, k);
  return m;
}

/** Expected margin per output: base + Σ root values (cover-weighted tree means). */
export function expectedMargin(e: TreeEnsemble): Float64Array {
  const out = Float64Array.from(e.baseScore);
  e.trees.forEach((t, j) => {
    out[e.treeOutput[j]] += t.value[0];
  });
  return out;
}
