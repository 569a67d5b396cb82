import { MAX_WINDOW_BARS } from "../data";
import { z } from "zod";
import { primaryConfigSchema } from "./primaryConfig";
import { REGIME_SCHEMES, regimeCount } from "./regimeSchemes";

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
    /** With scale regime: whose ids index the lists (trend3: trend/range/volatile; grid12: the 12-regime grid). */
    regimes: z.enum(REGIME_SCHEMES).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const lists = Array.isArray(b.upper) || Array.isArray(b.lower);
    if (b.scale === "regime") {
      if (b.regimes === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["regimes"],
          message: `scale regime needs the regime ids the widths follow: ${REGIME_SCHEMES.join(" or ")}`,
        });
        return;
      }
      const k = regimeCount(b.regimes);
      for (const side of ["upper", "lower"] as const) {
        const list = b[side];
        if (!Array.isArray(list) || list.length !== k) {
          ctx.addIssue({
            code: "custom",
            path: [side],
            message: `scale regime with regimes ${b.regimes} needs a list of ${k} widths (one per regime id), got ${Array.isArray(list) ? `${list.length}` : "a single number"}`,
          });
        }
      }
    } else if (b.regimes !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["regimes"],
        message: `regimes applies to scale regime only, not ${b.scale}`,
      });
    } else if (lists) {
      ctx.addIssue({ code: "custom", message: `scale ${b.scale} needs upper and lower as single numbers` });
    }
  });

/**
 * Per-row weights every model's fit receives, computed on each fold's training rows only:
 * `balanced` (scikit-learn's n_samples / (n_classes · count_c)) or `uniqueness` (average
 * uniqueness of the label spans, AFML ch. 4.4).
 */
export const CLASS_WEIGHTS = ["none", "balanced", "uniqueness"] as const;
export type ClassWeight = (typeof CLASS_WEIGHTS)[number];
const classWeight = z.enum(CLASS_WEIGHTS).default("none");

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
      class_weight: classWeight,
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
      class_weight: classWeight,
    })
    .strict(),
  z
    .object({
      kind: z.literal("meta"),
      horizon,
      barriers,
      /** Where the primary side (+1 long / -1 short) comes from: a rule or another model's out-of-fold side. */
      primary: primaryConfigSchema,
      class_weight: classWeight,
    })
    .strict(),
]);

export type LabelsConfig = z.infer<typeof labelsConfigSchema>;
