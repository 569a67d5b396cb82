/**
 * Saved-model JSON: `saveModel` writes, `loadModel` validates (schema version, kind, shape) and
 * rebuilds the model. Numbers survive JSON exactly (shortest round-trip decimal), and prediction
 * sums trees in the saved order, so a reloaded model predicts bit-identically in any process.
 */
import { z } from "zod";
import { GbmModel } from "./gbm";
import { assertSameFeatures, MODEL_SCHEMA_VERSION } from "./model";
import { RfModel } from "./rf";
import type { SavedTreeModel } from "./treeModel";

const savedTreeSchema = z.object({
  feature: z.array(z.number().int()),
  threshold: z.array(z.number()),
  defaultLeft: z.array(z.number().int()),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  value: z.array(z.number()),
  cover: z.array(z.number()),
  gain: z.array(z.number()),
});

const savedTreeModelSchema = z.object({
  schemaVersion: z.number().int(),
  kind: z.enum(["gbm", "rf"]),
  featureNames: z.array(z.string()),
  params: z.unknown(),
  nClasses: z.number().int().min(2),
  link: z.enum(["logit", "softmax", "identity"]),
  baseScore: z.array(z.number()),
  treeOutput: z.array(z.number().int()),
  trees: z.array(savedTreeSchema),
});

export type LoadedModel = GbmModel | RfModel;

export function saveModel(model: LoadedModel): string {
  return JSON.stringify(model.toJSON());
}

/**
 * Rebuilds a saved model. With `expectedFeatureNames` (the columns the caller will predict on),
 * a model fitted on other names or another order is refused, naming the difference.
 */
export function loadModel(json: string | object, expectedFeatureNames?: readonly string[]): LoadedModel {
  const raw = typeof json === "string" ? JSON.parse(json) : json;
  const version = (raw as { schemaVersion?: unknown })?.schemaVersion;
  if (version !== MODEL_SCHEMA_VERSION) {
    throw new Error(`loadModel: schemaVersion ${String(version)} is not supported (expected ${MODEL_SCHEMA_VERSION})`);
  }
  const r = savedTreeModelSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(
      `loadModel: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  }
  const s = r.data as SavedTreeModel;
  s.trees.forEach((t, i) => {
    const n = t.feature.length;
    for (const k of ["threshold", "defaultLeft", "left", "right", "value", "cover", "gain"] as const) {
      if (t[k].length !== n) throw new Error(`loadModel: trees[${i}].${k} has ${t[k].length} entries, expected ${n}`);
    }
    for (let j = 0; j < n; j++) {
      if (t.feature[j] >= s.featureNames.length)
        throw new Error(
          `loadModel: trees[${i}].feature[${j}] = ${t.feature[j]} but the model has ${s.featureNames.length} features`,
        );
      if (t.feature[j] >= 0 && !(t.left[j] > j && t.left[j] < n && t.right[j] > j && t.right[j] < n)) {
        throw new Error(
          `loadModel: trees[${i}] node ${j} has children ${t.left[j]}, ${t.right[j]} outside ${j + 1}..${n - 1}`,
        );
      }
    }
  });
  if (s.treeOutput.length !== s.trees.length)
    throw new Error(`loadModel: ${s.treeOutput.length} treeOutput entries for ${s.trees.length} trees`);
  if (expectedFeatureNames) assertSameFeatures(s.featureNames, expectedFeatureNames, "loadModel");
  const model = s.kind === "gbm" ? new GbmModel(s.params as object) : new RfModel(s.params as object);
  return model.restore(s);
}
