/**
 * The model kinds this module implements, by name: the experiment config's `models:` entries
 * (`{ kind: gbm, params: {...} }`) validate against `modelSpecSchema` and build with `createModel`.
 * Every kind of DESIGN.md's list (adding mljs_rf, logistic, lstm, ensemble) builds and loads
 * through `createZooModel` / `loadAnyModel` in zoo.ts.
 */
import { z } from "zod";
import { GbmModel, gbmParamsSchema } from "./gbm";
import { RfModel, rfParamsSchema } from "./rf";

export const modelSpecSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("gbm"), params: gbmParamsSchema.default(gbmParamsSchema.parse({})) }),
  z.strictObject({ kind: z.literal("rf"), params: rfParamsSchema.default(rfParamsSchema.parse({})) }),
]);

export type ModelSpec = z.input<typeof modelSpecSchema>;

export function createModel(spec: ModelSpec): GbmModel | RfModel {
  const r = modelSpecSchema.safeParse(spec);
  if (!r.success) {
    throw new Error(
      `model spec: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  }
  return r.data.kind === "gbm" ? new GbmModel(r.data.params) : new RfModel(r.data.params);
}
