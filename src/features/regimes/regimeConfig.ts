/**
 * zod schemas of the regime settings. The experiment config may carry them as a top-level
 * `regimes:` block (`{ trend: {...}, grid: {...} }`); every field has a default.
 */
import { MAX_WINDOW_BARS } from "../../data";
import { z } from "zod";

const period = (d: number) => z.number().int().min(2).max(MAX_WINDOW_BARS).default(d);
const share = (d: number) => z.number().gt(0).lt(1).default(d);

/** Trend / range / volatile from ADX and the percentile of ATR/close. */
export const trendRegimeConfigSchema = z
  .object({
    adxPeriod: period(14),
    atrPeriod: period(14),
    /** ADX at or above this is a trend (unless volatile). */
    trendAdx: z.number().gt(0).lt(100).default(25),
    /** Percentile rank of ATR/close (over `percentileWindow` sessions) at or above this is volatile. */
    volatilePercentile: share(0.8),
    percentileWindow: period(252),
  })
  .strict();

/** The 12-regime grid of docs/architecture.md: VIX tercile × breadth above/below × ATR/close above/below its median. */
export const gridRegimeConfigSchema = z
  .object({
    /**
     * Window of the VIX terciles: `expanding` (all VIX history up to the date) or a trailing
     * number of VIX rows. Never the full sample: that would put future VIX levels into the cut-offs.
     */
    vixWindow: z.union([z.literal("expanding"), z.number().int().min(20).max(MAX_WINDOW_BARS)]).default("expanding"),
    /** VIX rows needed before an expanding tercile is given (the first years are NaN before that). */
    vixMinHistory: z.number().int().min(1).max(MAX_WINDOW_BARS).default(252),
    /** Breadth share strictly above this is "breadth above". */
    breadthThreshold: share(0.5),
    /** SMA length behind breadth (days). */
    breadthPeriod: period(50),
    atrPeriod: period(14),
    /** Sessions of the ATR/close median ("1-year median"). */
    atrMedianWindow: period(252),
    /** A VIX value older than this many calendar days at a session is an error, not a carried value. */
    maxVixStaleDays: z.number().int().min(0).max(MAX_WINDOW_BARS).default(5),
  })
  .strict();

export const regimesConfigSchema = z
  .object({
    trend: trendRegimeConfigSchema.prefault({}),
    grid: gridRegimeConfigSchema.prefault({}),
  })
  .strict();

export type TrendRegimeConfig = z.infer<typeof trendRegimeConfigSchema>;
export type GridRegimeConfig = z.infer<typeof gridRegimeConfigSchema>;
export type RegimesConfig = z.infer<typeof regimesConfigSchema>;
