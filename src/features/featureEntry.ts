/**
 * One entry of a features list (an indicator with its parameters, outputs and transforms, or
 * transforms of a column made above) and the preset names. A leaf: the config schema, the
 * checks and the presets all read these types.
 */
import { z } from "zod";
import { TIMEFRAMES } from "../data";

const paramValue = z.union([z.number(), z.string()]);

export const indicatorEntrySchema = z
  .object({
    indicator: z.string().min(1),
    params: z.record(z.string(), paramValue).default({}),
    /** Subset of the indicator's outputs (snake_case, as in column names); default all. */
    outputs: z.array(z.string().min(1)).min(1).optional(),
    transforms: z.array(z.string().min(1)).default([]),
    /** Compute on this timeframe only (must not be finer than the bars). */
    timeframe: z.enum(TIMEFRAMES).optional(),
    /** Compute on this context series (e.g. VIX) and carry its values onto the bars. */
    context: z.string().min(1).optional(),
    /** Keep the untransformed output as a column (default true). */
    raw: z.boolean().default(true),
  })
  .strict();

export const columnEntrySchema = z
  .object({
    column: z.string().min(1),
    transforms: z.array(z.string().min(1)).min(1),
  })
  .strict();

export const featureEntrySchema = z.union([indicatorEntrySchema, columnEntrySchema]);

export type IndicatorEntry = z.infer<typeof indicatorEntrySchema>;
export type ColumnEntry = z.infer<typeof columnEntrySchema>;
export type FeatureEntry = z.infer<typeof featureEntrySchema>;
export type FeatureEntryInput = z.input<typeof featureEntrySchema>;

export const FEATURE_SETS = ["default", "confluence"] as const;
export type FeatureSetName = (typeof FEATURE_SETS)[number];

/** A preset entry: skipped instead of failing when the input lacks volume, a context series or intraday bars. */
export type PresetEntry = IndicatorEntry & { readonly optional?: boolean };
