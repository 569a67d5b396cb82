/**
 * Every model kind by spec and by saved JSON, from the kinds table (kinds.ts):
 * `createZooModel({ kind, params }, path)` builds an unfitted model (parameter errors name
 * `path.params.<field>`), `loadAnyModel` rebuilds any saved kind with identical predictions.
 */
import { z } from "zod";
import { MODEL_KIND_TABLE } from "./kinds";
import { specOptions } from "./memberKinds";
import { issuesAt, MODEL_SCHEMA_VERSION, type Model, type SavedModel } from "./model";

export const zooModelSpecSchema = z.discriminatedUnion("kind", specOptions(MODEL_KIND_TABLE, {}));

export type ZooModelSpec = z.input<typeof zooModelSpecSchema>;

export function createZooModel(spec: ZooModelSpec, path = "model"): Model {
  const r = zooModelSpecSchema.safeParse(spec);
  if (!r.success) throw new Error(issuesAt(r.error, path));
  const { kind, params } = r.data;
  return MODEL_KIND_TABLE[kind].create(params as never, path);
}

export function loadAnyModel(json: string | SavedModel): Model {
  const saved = (typeof json === "string" ? JSON.parse(json) : json) as SavedModel;
  if (saved?.schemaVersion !== MODEL_SCHEMA_VERSION)
    throw new Error(
      `loadAnyModel: schemaVersion ${String(saved?.schemaVersion)} is not supported (expected ${MODEL_SCHEMA_VERSION})`,
    );
  if (!Object.hasOwn(MODEL_KIND_TABLE, saved.kind))
    throw new Error(
      `model.kind: "${String(saved.kind)}" is not a model kind (${Object.keys(MODEL_KIND_TABLE).join(", ")})`,
    );
  return MODEL_KIND_TABLE[saved.kind].load(saved, "model");
}
