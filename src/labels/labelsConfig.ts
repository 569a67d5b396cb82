import { MAX_WINDOW_BARS } from "../data";
import { z } from "zod";

const horizon = z.number().int().min(1).max(MAX_WINDOW_BARS);
/** `vol_N`: multiples of the N-bar rolling volatility of log returns. */
const volScale = z.string().regex(/^vol_([2-9]|[1-9]\d{1,4})$/, "expected vol_N with N in [2, 99999] (e.g. vol_20)");
const width = z.number().positive();

const barriers = z
  .object({
    upper: z.union([width, z.array(width).min(1)]),
    lower: z.union([width, z.array(width).min(1)]),
    /** vol_N (multiples of volatility), fixed (simple returns), regime (one width per regime id). */
    scale: z.union([volScale, z.literal("fixed"), z.literal("regime")]),
  })
  .strict()
  .superRefine((b, ctx) => {
    const lists = Array.isArray(b.upper) || Array.isArray(b.lower);
    if (b.scale === "regime") {
      if (!Array.isArray(b.upper) || !Array.isArray(b.lower) || b.upper.length !== b.lower.length) {
        ctx.addIssue({
          code: "custom",
          message: "scale regime needs upper and lower as lists of equal length (one per regime id)",
        });
      }
    } else if (lists) {
      ctx.addIssue({ code: "custom", message: `scale ${b.scale} needs upper and lower as single numbers` });
    }
  });

/** The `labels:` block of an experiment config (docs/architecture.md). */
export const labelsConfigSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("fixed_horizon"),
      horizon,
      classes: z.union([z.literal(2), z.literal(3)]).default(2),
      /** 3 classes: absolute return, or multiple of volatility·sqrt(horizon) when scale is vol_N. */
      threshold: z.number().nonnegative().optional(),
      scale: z.union([z.literal("absolute"), volScale]).default("absolute"),
    })
    .strict()
    .refine((c) => c.classes === 3 || c.threshold === undefined, {
      message: "threshold applies to 3 classes only; binary labels split at a zero return",
      path: ["threshold"],
    }),
  z
    .object({
      kind: z.literal("triple_barrier"),
      horizon,
      barriers,
      output: z.enum(["three_class", "binary"]).default("three_class"),
    })
    .strict(),
  z
    .object({
      kind: z.literal("meta"),
      horizon,
      barriers,
      /** Name of the primary signal (+1 long / -1 short / 0 none) the caller supplies. */
      primary: z.string().min(1),
    })
    .strict(),
]);

export type LabelsConfig = z.infer<typeof labelsConfigSchema>;
