/**
 * Every model kind by config spec and by saved JSON: `createZooModel({ kind, params }, path)`
 * builds an unfitted model (parameter errors name `path.params.<field>`), `loadAnyModel` rebuilds
 * any saved kind with identical predictions.
 */
import { z } from "zod";
import { LstmModel, lstmParamsSchema, type SavedLstm } from "./lstm";
import { BlendModel, blendParamsSchema, type SavedBlend } from "./blendModel";
import { createMember, issuesAt, loadMember, memberSpecSchema } from "./memberModels";
import { MODEL_SCHEMA_VERSION, type Model, type SavedModel } from "./model";

export const zooModelSpecSchema = z.discriminatedUnion("kind", [
  ...memberSpecSchema.options,
  z.strictObject({ kind: z.literal("lstm"), params: lstmParamsSchema.prefault({}) }),
  z.strictObject({ kind: z.literal("ensemble"), params: blendParamsSchema }),
]);

export type ZooModelSpec = z.input<typeof zooModelSpecSchema>;

export function createZooModel(spec: ZooModelSpec, path = "model"): Model {
  const r = zooModelSpecSchema.safeParse(spec);
  if (!r.success) throw new Error(issuesAt(r.error, path));
  const s = r.data;
  if (s.kind === "lstm") return new LstmModel(s.params, `${path}.params`);
  if (s.kind === "ensemble") return new BlendModel(s.params, `${path}.params`);
  return createMember(s, path);
}

export function loadAnyModel(json: string | SavedModel): Model {
  const saved = (typeof json === "string" ? JSON.parse(json) : json) as SavedModel;
  if (saved?.schemaVersion !== MODEL_SCHEMA_VERSION)
    throw new Error(
      `loadAnyModel: schemaVersion ${String(saved?.schemaVersion)} is not supported (expected ${MODEL_SCHEMA_VERSION})`,
    );
  if (saved.kind === "lstm") return LstmModel.load(saved as SavedLstm);
  if (saved.kind === "ensemble") return BlendModel.load(saved as SavedBlend);
  return loadMember(saved, "model");
}
