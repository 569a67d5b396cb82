/**
 * The model kinds a blend (the `ensemble` kind, blendModel.ts) may hold (gbm, rf, mljs_rf,
 * logistic), by config spec and by saved JSON. Kept apart from `zoo.ts` so the blend can build its members without importing
 * itself.
 */
import { z } from "zod";
import { GbmModel, gbmParamsSchema } from "./gbm";
import { LogisticModel, logisticParamsSchema, type SavedLogistic } from "./logistic";
import { MljsRfModel, mljsRfParamsSchema, type SavedMljsRf } from "./mljsRf";
import { MODEL_SCHEMA_VERSION, type Model, type SavedModel } from "./model";
import { RfModel, rfParamsSchema } from "./rf";
import { loadModel } from "./serialise";

export const memberSpecSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("gbm"), params: gbmParamsSchema.prefault({}) }),
  z.strictObject({ kind: z.literal("rf"), params: rfParamsSchema.prefault({}) }),
  z.strictObject({ kind: z.literal("mljs_rf"), params: mljsRfParamsSchema.prefault({}) }),
  z.strictObject({ kind: z.literal("logistic"), params: logisticParamsSchema.prefault({}) }),
]);

export type MemberSpec = z.input<typeof memberSpecSchema>;

/** Kinds that fit binary labels only. */
export const BINARY_ONLY_KINDS: ReadonlySet<string> = new Set(["rf"]);

/** Formats zod issues as `path.to.field: message` under `path`. */
export function issuesAt(error: z.ZodError, path: string): string {
  return error.issues.map((i) => `${[path, ...i.path].filter((s) => s !== "").join(".")}: ${i.message}`).join("; ");
}

export function createMember(spec: MemberSpec, path: string): Model {
  const r = memberSpecSchema.safeParse(spec);
  if (!r.success) throw new Error(issuesAt(r.error, path));
  const s = r.data;
  switch (s.kind) {
    case "gbm":
      return new GbmModel(s.params);
    case "rf":
      return new RfModel(s.params);
    case "mljs_rf":
      return new MljsRfModel(s.params);
    case "logistic":
      return new LogisticModel(s.params);
  }
}

export function loadMember(saved: SavedModel, path: string): Model {
  if (saved?.schemaVersion !== MODEL_SCHEMA_VERSION)
    throw new Error(
      `${path}.schemaVersion: ${String(saved?.schemaVersion)} is not supported (expected ${MODEL_SCHEMA_VERSION})`,
    );
  switch (saved.kind) {
    case "gbm":
    case "rf":
      return loadModel(saved);
    case "logistic":
      return LogisticModel.load(saved as SavedLogistic);
    case "mljs_rf":
      return MljsRfModel.load(saved as SavedMljsRf);
    default:
      throw new Error(
        `${path}.kind: "${String(saved.kind)}" cannot be an ensemble member (gbm, rf, mljs_rf, logistic)`,
      );
  }
}
