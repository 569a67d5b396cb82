/**
 * Exports a tree model in the dictionary layout Python's `shap.TreeExplainer` accepts
 * (`{"trees": [{children_left, children_right, children_default, features, thresholds, values,
 * node_sample_weight}], "base_offset", "tree_output", "objective"}`), so researchers can
 * cross-check our SHAP values (scripts/fixtures/trees_shap_check.py does). Multiclass models
 * export one dictionary per class. shap's traversal is `x <= threshold` like ours.
 */
import type { TreeEnsemble } from "./treeEnsemble";

export interface ShapTreeDict {
  children_left: number[];
  children_right: number[];
  children_default: number[];
  features: number[];
  thresholds: number[];
  values: number[][];
  node_sample_weight: number[];
}

export interface ShapModelDict {
  trees: ShapTreeDict[];
  base_offset: number;
  tree_output: "raw_value";
  objective: "binary_crossentropy" | "squared_error";
  feature_names: readonly string[];
}

/** One dictionary per output (binary models: one). */
export function exportShapDicts(e: TreeEnsemble, featureNames: readonly string[]): ShapModelDict[] {
  const out: ShapModelDict[] = [];
  for (let k = 0; k < e.nOutputs; k++) {
    const trees: ShapTreeDict[] = [];
    e.trees.forEach((t, j) => {
      if (e.treeOutput[j] !== k) return;
      const n = t.feature.length;
      const leaf = (i: number) => t.feature[i] < 0;
      trees.push({
        children_left: Array.from({ length: n }, (_, i) => (leaf(i) ? -1 : t.left[i])),
        children_right: Array.from({ length: n }, (_, i) => (leaf(i) ? -1 : t.right[i])),
        children_default: Array.from({ length: n }, (_, i) =>
          leaf(i) ? -1 : t.defaultLeft[i] === 1 ? t.left[i] : t.right[i],
        ),
        features: Array.from({ length: n }, (_, i) => (leaf(i) ? -2 : t.feature[i])),
        thresholds: Array.from({ length: n }, (_, i) => (leaf(i) ? -2 : t.threshold[i])),
        values: Array.from(t.value, (v) => [v]),
        node_sample_weight: Array.from(t.cover),
      });
    });
    out.push({
      trees,
      base_offset: e.baseScore[k],
      tree_output: "raw_value",
      objective: e.link === "identity" ? "squared_error" : "binary_crossentropy",
      feature_names: featureNames,
    });
  }
  return out;
}
