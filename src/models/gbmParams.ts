/**
 * `gbm`'s parameters, apart from the model so that its arena and tree builder can take them
 * without importing the model that drives them.
 */
import { z } from "zod";

export const gbmParamsSchema = z
  .strictObject({
    n_trees: z.number().int().min(1).max(100_000).default(100),
    learning_rate: z.number().gt(0).max(1).default(0.1),
    /** 0 = no depth limit (then max_leaves must be set). Each level holds a histogram slot. */
    max_depth: z.number().int().min(0).max(64).default(6),
    /** > 0: leaf-wise best-first growth up to this many leaves. */
    max_leaves: z.number().int().min(0).max(131_072).default(0),
    min_child_weight: z.number().min(0).default(1),
    lambda: z.number().min(0).default(1),
    alpha: z.number().min(0).default(0),
    min_split_gain: z.number().min(0).default(0),
    subsample: z.number().gt(0).max(1).default(1),
    colsample_bytree: z.number().gt(0).max(1).default(1),
    max_bins: z.number().int().min(2).max(255).default(255),
    /** Stop when the eval log-loss has not improved for this many rounds (0 = never). */
    early_stopping_rounds: z.number().int().min(0).max(100_000).default(0),
    /** "error": NaN/±Infinity in X are refused; "learn": they follow a learned default direction. */
    missing: z.enum(["error", "learn"]).default("error"),
    seed: z.number().int().default(0),
    /**
     * Per round, g and h are stochastically rounded (seeded) to small integers packed into one
     * double, so the histogram build does one add per (row, feature); split search uses the
     * integer sums scaled back, and every node's value and cover are refitted from the true
     * float gradients of its rows. Off = float gradients throughout (XGBoost's arithmetic).
     * Beyond about 4 million rows the packed sums would not stay exact below 2^53, and float
     * gradients are used whatever this says.
     */
    quantized_gradients: z.boolean().default(true),
    /** 0 = every core; small problems (rows × features < 2M) then use one thread. */
    n_threads: z.number().int().min(0).max(1024).default(0),
  })
  .refine((p) => p.max_depth > 0 || p.max_leaves > 0, { message: "max_depth or max_leaves must be > 0" });

export type GbmParams = z.output<typeof gbmParamsSchema>;

export function parseParams(params: unknown): GbmParams {
  const r = gbmParamsSchema.safeParse(params);
  if (!r.success) {
    throw new Error(
      `gbm params: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  }
  return r.data;
}
