/**
 * The `features:` block of an experiment config (docs/architecture.md). `set` is a preset (`default`,
 * `confluence`) or a list of entries:
 *
 *   - { indicator: rsi, params: { period: 14 }, transforms: [lag(1), "diff(1) | zscore(20)"] }
 *   - { indicator: percentile_rank, params: { period: 252 }, context: VIX }
 *   - { indicator: adx, outputs: [plus_di, minus_di], timeframe: 1w }
 *   - { column: ret_20, transforms: [cs_rank] }        # transforms of a column made above
 *
 * Each string in `transforms` is one chain and gives one more column; `raw: false` drops the
 * untransformed output. `timeframes` lists higher timeframes on which every entry without its
 * own `timeframe` (and not base-only: calendar, context, cross-sectional) is computed again,
 * prefixed `<tf>:`. `extra` appends entries to a preset. `nan` is the policy for NaNs in the
 * finished frame: keep them, forward-fill each column after its first value, or drop rows
 * holding any NaN.
 *
 * `exclude` drops columns by exact name (`rsi_14`; a higher-timeframe copy is named with its
 * prefix, `1w:rsi_14`) or by family (`momentum`, `VIX`, `regime`: every timeframe), before
 * anything is computed (featureExclusion.ts). `regimes` adds regime schemes as feature columns
 * (regimeFeatures.ts); their settings are the experiment's top-level `regimes:` block.
 */
import { z } from "zod";
import { MAX_WINDOW_BARS, TIMEFRAMES } from "../data";
import { checkEntry } from "./entryCheck";
import { FEATURE_SETS, type FeatureEntry, featureEntrySchema } from "./featureEntry";
import { REGIME_FEATURES } from "./regimeFeatureNames";

export * from "./featureEntry";

export const NAN_POLICIES = ["keep", "ffill", "drop_rows"] as const;
export type NanPolicy = (typeof NAN_POLICIES)[number];

/**
 * `select:` keeps the top `k` columns by importance, measured inside each training fold
 * (pipeline/foldFitter.ts): the model is fitted on the first rows of the fold's training
 * window and scored on its last `inner_test` share, purged and embargoed between them, so
 * neither the outer test fold nor the final holdout takes part.
 */
export const featureSelectSchema = z
  .object({
    k: z.number().int().min(1),
    /** shap: mean |TreeSHAP| (gbm, rf); permutation: the drop in log-loss when a column is shuffled (any kind). */
    by: z.enum(["shap", "permutation"]).default("permutation"),
    /** The share of the training window (its last rows) the importance is measured on. */
    inner_test: z.number().gt(0).lt(1).default(0.25),
    /** Bars embargoed between the importance model's rows and the rows it is scored on. */
    embargo: z.number().int().min(0).max(MAX_WINDOW_BARS).default(5),
    /** Permutation: shuffles per column. */
    repeats: z.number().int().min(1).max(100).default(3),
    seed: z.number().int().default(0),
  })
  .strict();

export type FeatureSelect = z.infer<typeof featureSelectSchema>;

export const featuresConfigSchema = z
  .object({
    set: z.union([z.enum(FEATURE_SETS), z.array(featureEntrySchema).min(1)]).default("default"),
    extra: z.array(featureEntrySchema).default([]),
    /** Higher timeframes to add (the bars' own timeframe is always computed). */
    timeframes: z.array(z.enum(TIMEFRAMES)).default([]),
    /** Benchmark of the presets' beta / correlation / relative strength. */
    benchmark: z.string().min(1).default("SPY"),
    /** Volatility index of the presets' cross-asset columns. */
    vix: z.string().min(1).default("VIX"),
    nan: z.enum(NAN_POLICIES).default("keep"),
    select: featureSelectSchema.optional(),
    /** Column names or families left out (never computed where a whole entry goes). */
    exclude: z.array(z.string().min(1)).default([]),
    /** Regime schemes as feature columns and as the run's report splits. */
    regimes: z.array(z.enum(REGIME_FEATURES)).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const key of ["exclude", "regimes"] as const) {
      const list: readonly string[] = config[key];
      list.forEach((v, i) => {
        if (list.indexOf(v) < i) ctx.addIssue({ code: "custom", message: `${v} is listed twice`, path: [key, i] });
      });
    }
    const lists: [string, FeatureEntry[]][] = [["extra", config.extra]];
    if (Array.isArray(config.set)) lists.unshift(["set", config.set]);
    for (const [key, list] of lists) {
      list.forEach((entry, i) => {
        for (const message of checkEntry(entry)) ctx.addIssue({ code: "custom", message, path: [key, i] });
      });
    }
  });

export type FeaturesConfig = z.infer<typeof featuresConfigSchema>;
export type FeaturesConfigInput = z.input<typeof featuresConfigSchema>;
