/**
 * The `backtest.grid:` block: a study of signal thresholds and sizings traded by the vectorised
 * sweep on the selected variant's out-of-sample probabilities (thresholdGrid.ts). Its points are
 * the product of `long_above` × `short_above` × `sizing`; each key left out holds the run's own
 * setting. A threshold list is either values or `{ from, to, step }` (both ends included):
 *
 *   backtest:
 *     grid:
 *       long_above: { from: 0.50, to: 0.70, step: 0.01 }
 *       short_above: same            # each point's short threshold equals its long one
 *       sizing: [{ kind: fixed, fraction: 0.5 }, { kind: vol_target, target: 0.10 }]
 */
import { z } from "zod";
import { MAX_WINDOW_BARS } from "../data";

/**
 * Points a grid may have. A point costs a sweep column (a bar-by-bar account) and a column of the
 * PBO's returns matrix; past about a thousand, the PBO's ranking across splits says nothing more
 * and the run spends its time on a study nobody reads.
 */
export const MAX_GRID_POINTS = 1000;

const probability = z.number().min(0).max(1);

const rangeSchema = z
  .object({ from: probability, to: probability, step: z.number().positive().max(1) })
  .strict()
  .refine((r) => r.from <= r.to, { message: "from is above to", path: ["from"] });

/** A list of thresholds, or an inclusive range. */
const thresholdsSchema = z.union([z.array(probability).min(1), rangeSchema]);

/** One sizing of the grid, laid over the run's `sizing:` block. Kelly needs per-column probabilities the sweep does not take. */
const gridSizingSchema = z
  .object({
    kind: z.enum(["fixed", "vol_target"]).optional(),
    fraction: z.number().min(0).optional(),
    target: z.number().positive().optional(),
    vol_lookback: z.number().int().min(2).max(MAX_WINDOW_BARS).optional(),
    max_position: z.number().min(0).optional(),
    max_gross: z.number().min(0).optional(),
  })
  .strict();

export const gridSchema = z
  .object({
    long_above: thresholdsSchema.optional(),
    /** `same`: each point's short threshold is its long one (a symmetric grid). */
    short_above: z.union([thresholdsSchema, z.literal("same")]).optional(),
    sizing: z.array(gridSizingSchema).min(1).optional(),
    /** CSCV blocks S of the PBO (even, 2..24): C(S, S/2) splits of the out-of-sample bars. */
    pbo_blocks: z
      .number()
      .int()
      .min(2)
      .max(24)
      .refine((s) => s % 2 === 0, { message: "expected an even number of blocks" })
      .default(16),
  })
  .strict()
  .superRefine((g, ctx) => {
    const counts = {
      long_above: thresholdCount(g.long_above),
      short_above: g.short_above === "same" ? 1 : thresholdCount(g.short_above),
      sizing: g.sizing?.length ?? 1,
    };
    const points = counts.long_above * counts.short_above * counts.sizing;
    if (points > MAX_GRID_POINTS) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `${points} points (long_above ${counts.long_above} x short_above ${counts.short_above} x sizing ${counts.sizing}) exceed the limit of ${MAX_GRID_POINTS}: use a coarser step`,
      });
    }
  });

export type GridConfig = z.output<typeof gridSchema>;
export type GridSizing = z.output<typeof gridSizingSchema>;
export type Thresholds = z.output<typeof thresholdsSchema>;

/** How many values a threshold list gives (1 when absent: the run's own), without making them. */
function thresholdCount(t: Thresholds | undefined): number {
  if (t === undefined) return 1;
  if (Array.isArray(t)) return t.length;
  return Math.floor((t.to - t.from) / t.step + 1e-9) + 1;
}

/** The values of a threshold list, ranges rounded to 10 decimals (0.1 + 0.2 is 0.3 here). */
export function thresholdValues(t: Thresholds): number[] {
  if (Array.isArray(t)) return [...t];
  return Array.from({ length: thresholdCount(t) }, (_, i) => Number((t.from + i * t.step).toFixed(10)));
}
