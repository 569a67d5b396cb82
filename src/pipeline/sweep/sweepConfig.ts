/**
 * The `sweep:` block of an experiment config: values or ranges for any config path, expanded
 * into one full config per variant (expandSweep.ts). Syntax (docs/architecture.md, "Sweeps"):
 *
 *   sweep:
 *     mode: grid                 # or random, with seed and count
 *     params:
 *       models[0].params.max_depth: [2, 3, 4]                # values (any YAML value)
 *       labels.horizon: { min: 3, max: 10, step: 1 }         # a stepped range, ends included
 *       models.0.params.learning_rate: { min: 0.01, max: 0.3, log: true, count: 4 }
 *
 * A range without step or count is continuous: only `mode: random` can draw from it.
 */
import { z } from "zod";

/** The most variants any sweep may ask for, whatever its `max_variants`. */
export const SWEEP_VARIANT_LIMIT = 10_000;

export const sweepRangeSchema = z
  .object({
    min: z.number(),
    max: z.number(),
    /** Points min, min + step, …, up to max. */
    step: z.number().positive().optional(),
    /** `count` points from min to max, ends included (evenly spaced, or geometrically with `log`). */
    count: z.number().int().min(2).max(SWEEP_VARIANT_LIMIT).optional(),
    /** Log scale: geometric points, or log-uniform draws (learning rates, regularisation). */
    log: z.boolean().default(false),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!(r.max > r.min)) ctx.addIssue({ code: "custom", path: ["max"], message: `expected max > min (${r.min})` });
    if (r.step !== undefined && r.count !== undefined) {
      ctx.addIssue({ code: "custom", path: ["count"], message: "give step or count, not both" });
    }
    if (r.log && r.step !== undefined) {
      ctx.addIssue({ code: "custom", path: ["step"], message: "a log range takes count (geometric points), not step" });
    }
    if (r.log && !(r.min > 0)) ctx.addIssue({ code: "custom", path: ["min"], message: "a log range needs min > 0" });
    if (r.step !== undefined && (r.max - r.min) / r.step + 1 > SWEEP_VARIANT_LIMIT) {
      ctx.addIssue({ code: "custom", path: ["step"], message: `more than ${SWEEP_VARIANT_LIMIT} points` });
    }
  });

export type SweepRange = z.output<typeof sweepRangeSchema>;

/** A swept path's values: a list of YAML values, or a numeric range. */
export const sweepValuesSchema = z.union([z.array(z.unknown()).min(1).max(SWEEP_VARIANT_LIMIT), sweepRangeSchema]);

export type SweepValues = z.output<typeof sweepValuesSchema>;

export const sweepConfigSchema = z
  .object({
    /** grid: every combination; random: `count` distinct draws with `seed`. */
    mode: z.enum(["grid", "random"]).default("grid"),
    seed: z.number().int().default(7),
    /** Variants drawn in random mode. */
    count: z.number().int().min(1).max(SWEEP_VARIANT_LIMIT).optional(),
    /**
     * The refusal line: a sweep of more variants is refused before anything is built (each
     * variant is a full tracked run, seconds to minutes). Raise it deliberately.
     */
    max_variants: z.number().int().min(1).max(SWEEP_VARIANT_LIMIT).default(64),
    /** CSCV blocks of the probability of backtest overfitting (even, 2..24; src/backtest/pbo.ts). */
    pbo_blocks: z
      .number()
      .int()
      .min(2)
      .max(24)
      .refine((b) => b % 2 === 0, "expected an even number of blocks")
      .default(16),
    /** Config path (`models[0].params.max_depth` or `models.0.params.max_depth`) → its values. */
    params: z
      .record(z.string().min(1), sweepValuesSchema)
      .refine((p) => Object.keys(p).length > 0, "expected at least one config path to sweep"),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode === "random" && s.count === undefined) {
      ctx.addIssue({ code: "custom", path: ["count"], message: "mode: random needs a count of variants to draw" });
    }
    if (s.mode === "grid" && s.count !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["count"],
        message: "count is for mode: random; a grid runs every combination",
      });
    }
  });

export type SweepConfig = z.output<typeof sweepConfigSchema>;
