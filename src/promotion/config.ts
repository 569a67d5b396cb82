/**
 * The promotion block of an experiment config and the settings a promotion decision reads. The
 * runner judges with its config's block; `wsp promote` judges with the block as the run recorded
 * it (tags or params), which may also carry a `direction` and lack fields (older runs).
 */
import { z } from "zod";

export const PROMOTION_METRICS = ["oos_logloss", "oos_auc", "holdout_logloss", "holdout_auc"] as const;

export const promotionConfigSchema = z
  .object({
    metric: z.enum(PROMOTION_METRICS).default("oos_logloss"),
    /** How much a challenger must beat the champion by (absolute, in the metric's units). */
    margin: z.number().min(0).default(0.002),
    min_deflated_sharpe: z.number().min(0).max(1).default(0.5),
    /**
     * Returns the gated deflated Sharpe is computed on: `active` (default), the strategy minus
     * beta times `backtest.benchmark` (skill beyond the benchmark; a long bias in a rising market
     * does not pass), or `absolute`, the strategy's own returns against a zero Sharpe.
     */
    dsr_basis: z.enum(["active", "absolute"]).default("active"),
    beat_control: z.boolean().default(true),
    /**
     * Promotion decisions one final-holdout window may serve for a registered model; past it the
     * holdout has become a selection set and `wsp promote` requires a run whose holdout starts
     * after that window ends (a forward window: extend `data.end` as new data arrives).
     */
    holdout_reuse_limit: z.number().int().min(1).default(5),
    // The product plan's go/no-go gates (goNoGo.ts): each off unless set. Optional without a
    // default, so a config that sets none parses (and hashes) as before.
    /** ECE of the selected variant's out-of-fold predictions at most this (the plan: 0.05). */
    max_ece: z.number().min(0).max(1).optional(),
    /** Direction accuracy at least this (the plan: 0.55 / 0.60 / 0.70); above leakage.max_direction_accuracy fails as leakage. */
    min_accuracy: z.number().gt(0).max(1).optional(),
    /** Annualised Sharpe of the traded backtest, after costs, at least this. */
    min_sharpe: z.number().min(-10).max(10).optional(),
    /** Max drawdown at most this fraction (0.2: 20 %). */
    max_drawdown: z.number().gt(0).max(1).optional(),
    /** Share of winning trades at least this. */
    min_win_rate: z.number().min(0).max(1).optional(),
    /** The worst max drawdown over the backtest.stress windows at most this fraction (the plan: 0.25). */
    max_stress_drawdown: z.number().gt(0).max(1).optional(),
    /** The backtest.grid study's probability of backtest overfitting at most this. */
    max_pbo: z.number().min(0).max(1).optional(),
    /** The stretch accuracy, Sharpe, drawdown and win rate are read on (default holdout). */
    go_no_go_on: z.enum(["holdout", "oos"]).optional(),
  })
  .strict();

export type PromotionConfig = z.infer<typeof promotionConfigSchema>;

/** The go/no-go gates' keys in `promotion:` (goNoGo.ts decides them). */
export const GO_NO_GO_GATES = [
  "max_ece",
  "min_accuracy",
  "min_sharpe",
  "max_drawdown",
  "min_win_rate",
  "max_stress_drawdown",
  "max_pbo",
] as const;
export type GoNoGoGateName = (typeof GO_NO_GO_GATES)[number];

/** The stretch of the traded backtest accuracy, Sharpe, drawdown and win rate are read on. */
export type GoNoGoBasis = "holdout" | "oos";

export interface GoNoGoSettings {
  on: GoNoGoBasis;
  /** The gates switched on, with their thresholds. */
  thresholds: Partial<Record<GoNoGoGateName, number>>;
  /** `leakage.max_direction_accuracy`: an accuracy above it fails min_accuracy as suspected leakage. */
  maxDirectionAccuracy: number;
}

export type Direction = "min" | "max";
export type DsrBasis = "active" | "absolute";

/** What a decision at `wsp promote` reads of the run's recorded promotion block. */
export interface PromotionSettings {
  metric: string;
  direction: Direction;
  margin: number;
  minDeflatedSharpe: number;
  /** Which deflated Sharpe the gate reads; null for runs recorded before the basis existed. */
  dsrBasis: DsrBasis | null;
  beatControl: boolean;
  holdoutReuseLimit: number;
  /** The go/no-go gates switched on; absent when none is (goNoGo.ts). */
  goNoGo?: GoNoGoSettings;
}

/**
 * The settings of a run that records no promotion block (one made outside the runner). The runner
 * always records its config's block, whose margin defaults to 0.002.
 */
export const UNRECORDED_SETTINGS = {
  metric: "oos_logloss",
  margin: 0,
  minDeflatedSharpe: 0.5,
  beatControl: true,
  holdoutReuseLimit: 5,
} as const;

/** Loss-like metrics are lower-is-better. */
export function defaultDirection(metric: string): Direction {
  return /(loss|error|brier|ece|mse|mae|rmse)$/i.test(metric) ? "min" : "max";
}

/** The final-holdout twin of a metric: `oos_logloss` → `holdout_logloss`; a `holdout_` metric as is. */
export function holdoutTwin(metric: string): string {
  return metric.replace(/^oos_/, "holdout_");
}

/**
 * The forward-window twin of a metric (a retrain's comparison, src/pipeline/retrain.ts):
 * `oos_logloss` and `holdout_logloss` → `forward_logloss`.
 */
export function forwardTwin(metric: string): string {
  return metric.replace(/^(oos|holdout)_/, "forward_");
}
