/**
 * The `labels.primary:` block of meta labels: where the primary side (+1 long / −1 short) comes
 * from (docs/architecture.md, "Meta-labels and the primary signal").
 * - `rule: cross`: long while the fast indicator is above the slow one, short while below.
 * - `rule: sign`: long while one indicator is above `center`, short while below.
 * - `model:` another model's out-of-fold side, trained on binary side labels through the same
 *   purged walk-forward (the pipeline runs it; the model entry is checked there, since the
 *   labels stage comes before the models).
 */
import { z } from "zod";
import { featureIndicator, featuresConfigSchema } from "../features";

/** One indicator column of the features stage's catalog, at bars ≤ t. */
const indicatorRef = z
  .object({
    indicator: z.string().min(1),
    params: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
    /** Which output of a multi-output indicator (macd: macd, signal, hist); default `value` or the only one. */
    output: z.string().min(1).optional(),
    /** Computed on a context series (e.g. VIX) and carried onto the bars once visible. */
    context: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((ref, ctx) => {
    const def = featureIndicator(ref.indicator);
    if (def && ref.output === undefined && def.outputs.length > 1 && !def.outputs.includes("value")) {
      ctx.addIssue({
        code: "custom",
        path: ["output"],
        message: `${ref.indicator} has outputs ${def.outputs.join(", ")}; name one`,
      });
      return;
    }
    // The features stage's own checks (name, parameters, output), reported at this path.
    const r = featuresConfigSchema.safeParse({ set: [featureEntryOf(ref)] });
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
  });

export type IndicatorRef = z.infer<typeof indicatorRef>;

/** The features entry computing exactly the referenced column. */
export function featureEntryOf(ref: Pick<IndicatorRef, "indicator" | "params" | "output" | "context">) {
  const def = featureIndicator(ref.indicator);
  const output = ref.output ?? (def?.outputs.includes("value") ? "value" : def?.outputs[0]);
  return {
    indicator: ref.indicator,
    params: ref.params,
    ...(output !== undefined ? { outputs: [output] } : {}),
    ...(ref.context !== undefined ? { context: ref.context } : {}),
  };
}

/** The side labels a primary model learns: binary (up/down), so its predicted side is ±1. */
const sideLabelsSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("fixed_horizon"), horizon: z.number().int().min(1) }).strict(),
  z
    .object({
      kind: z.literal("triple_barrier"),
      horizon: z.number().int().min(1),
      barriers: z
        .object({
          upper: z.number().positive(),
          lower: z.number().positive(),
          scale: z.union([
            z.string().regex(/^vol_([2-9]|[1-9]\d{1,4})$/, "expected vol_N (e.g. vol_20)"),
            z.literal("fixed"),
          ]),
        })
        .strict(),
    })
    .strict(),
]);

const modelPrimary = z
  .object({
    /** May be left out: a mapping with `model:` is this alternative. */
    rule: z.literal("model").optional(),
    /** A `models:`-style entry ({ kind, params }), checked by the pipeline's config. */
    model: z.looseObject({ kind: z.string().min(1) }),
    /** Default: fixed-horizon up/down over the meta labels' horizon. */
    labels: sideLabelsSchema.optional(),
    /** Out-of-fold P(up) at or above this gives a long side, below it a short one. */
    long_above: z.number().gt(0).lt(1).default(0.5),
  })
  .strict();

export const primaryConfigSchema = z.discriminatedUnion("rule", [
  z.object({ rule: z.literal("cross"), fast: indicatorRef, slow: indicatorRef }).strict(),
  z.object({ rule: z.literal("sign"), of: indicatorRef, center: z.number().default(0) }).strict(),
  modelPrimary,
]);

export type PrimaryConfig = z.infer<typeof primaryConfigSchema>;
export type PrimaryModel = Extract<PrimaryConfig, { model: unknown }>;
export type PrimaryRule = Exclude<PrimaryConfig, PrimaryModel>;
