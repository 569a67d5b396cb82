/**
 * The tree engine's kinds (gbm, rf) by spec, from the kinds table (kinds.ts). Every kind builds
 * and loads through `createZooModel` / `loadAnyModel` in zoo.ts.
 */
import { z } from "zod";
import type { GbmModel } from "./gbm";
import { MODEL_KIND_TABLE } from "./kinds";
import { specOptions } from "./memberKinds";
import type { RfModel } from "./rf";

const TREE_KINDS = { gbm: MODEL_KIND_TABLE.gbm, rf: MODEL_KIND_TABLE.rf };

export const modelSpecSchema = z.discriminatedUnion("kind", specOptions(TREE_KINDS, {}));

export type ModelSpec = z.input<typeof modelSpecSchema>;

export function createModel(spec: ModelSpec): GbmModel | RfModel {
  const r = modelSpecSchema.safeParse(spec);
  if (!r.success) {
    throw new Error(
      `model spec: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  }
  return TREE_KINDS[r.data.kind].create(r.data.params as never, "model") as GbmModel | RfModel;
}
