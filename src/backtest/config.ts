/**
 * Zod schemas of the `signals:`, `sizing:`, `costs:` and `backtest:` experiment blocks
 * (docs/architecture.md). Keys are snake_case as researchers write them in YAML; the engine
 * consumes the parsed objects directly so there is one definition of every option.
 */
import { MAX_WINDOW_BARS } from "../data";
import { z } from "zod";
import { gridSchema } from "./gridConfig";
import { STRESS_WINDOW_NAMES } from "./stressWindows";

const probability = z.number().min(0).max(1);
const nonNegative = z.number().min(0);

export const signalsSchema = z
  .object({
    /** Long when P(up) >= long_above. */
    long_above: probability.default(0.55),
    /** Short when P(down) >= short_above. */
    short_above: probability.default(0.55),
    long_only: z.boolean().default(false),
    /** Bars a position is held after entry (the label horizon); null: until the next opposite signal. */
    hold_bars: z.number().int().min(1).max(MAX_WINDOW_BARS).nullable().default(null),
  })
  .strict();

export const sizingSchema = z
  .object({
    kind: z.enum(["fixed", "vol_target", "kelly"]).default("fixed"),
    /** Fraction of equity per position for kind `fixed`. */
    fraction: nonNegative.default(1),
    /** Annualised volatility target for kind `vol_target`. */
    target: z.number().positive().default(0.15),
    /** Bars of close-to-close returns behind the volatility estimate (vol targeting, impact). */
    vol_lookback: z.number().int().min(2).max(MAX_WINDOW_BARS).default(20),
    /** Share of full Kelly for kind `kelly`. */
    kelly_fraction: z.number().positive().max(1).default(0.25),
    /** Win/loss payoff ratio for Kelly; null: take-profit over stop-loss multiple when stops are set, else 1. */
    payoff_ratio: z.number().positive().nullable().default(null),
    /** Cap per position, as a fraction of equity. */
    max_position: nonNegative.default(1),
    /** Cap on the sum of |position| over all tickers, as a fraction of equity. */
    max_gross: nonNegative.default(1),
  })
  .strict();

export const costsSchema = z
  .object({
    commission_bps: nonNegative.default(0),
    commission_per_share: nonNegative.default(0),
    /** Minimum commission per fill, in currency. */
    commission_min: nonNegative.default(0),
    /** Full quoted spread; half is paid on each side. */
    spread_bps: nonNegative.default(0),
    slippage_bps: nonNegative.default(0),
    /** Slippage per side as a fraction of ATR (added to slippage_bps). */
    slippage_atr: nonNegative.default(0),
    impact: z.enum(["none", "sqrt"]).default("none"),
    /** Y in impact = Y * sigma_bar * sqrt(shares / bar volume). */
    impact_coef: nonNegative.default(1),
    /** Entries are cut to this share of the signal bar's volume. */
    max_participation: z.number().positive().max(1).default(1),
    /** Annual borrow fee on short notional. */
    borrow_bps_annual: nonNegative.default(0),
  })
  .strict();

export const stopsSchema = z
  .object({
    /** Stop-loss distance in ATRs from the entry fill; null: none. */
    stop_loss_atr: z.number().positive().nullable().default(null),
    take_profit_atr: z.number().positive().nullable().default(null),
    atr_period: z.number().int().min(1).max(MAX_WINDOW_BARS).default(14),
    /** Multiplier on both distances when the signal bar is flagged volatile. */
    volatile_widen: z.number().min(1).default(1.5),
  })
  .strict();

export const guardsSchema = z
  .object({
    /** Pause when the win rate of the last `win_rate_trades` closed trades falls below this. */
    min_win_rate: probability.nullable().default(0.45),
    win_rate_trades: z.number().int().min(1).max(MAX_WINDOW_BARS).default(20),
    /** Pause when equity falls this far below its high-water mark. */
    max_drawdown: z.number().positive().max(1).nullable().default(0.2),
    /** Pause for the rest of the session when equity falls this far below the previous session's close. */
    max_daily_loss: z.number().positive().max(1).nullable().default(0.05),
    /** Bars a win-rate or drawdown pause lasts before trading resumes. */
    cooldown_bars: z.number().int().min(1).max(MAX_WINDOW_BARS).default(20),
  })
  .strict();

export const backtestSchema = z
  .object({
    benchmark: z.string().default("SPY"),
    stress: z.array(z.enum(STRESS_WINDOW_NAMES)).default([]),
    /** next_open: fill at the next bar's open; close_delay: fill at the next bar's close. */
    execution: z.enum(["next_open", "close_delay"]).default("next_open"),
    initial_capital: z.number().positive().default(1_000_000),
    risk_free: z.number().default(0),
    /** null: from the timeframe (252 daily sessions; 252 x bars per 6.5 h session intraday). */
    periods_per_year: z.number().positive().nullable().default(null),
    /** Credit dividends implied by `adjClose` when the bars carry it. */
    use_adjusted: z.boolean().default(true),
    stops: stopsSchema.default(stopsSchema.parse({})),
    /** null disables all guard rails. */
    guards: guardsSchema.nullable().default(guardsSchema.parse({})),
    /** A threshold and sizing study on the selected variant (gridConfig.ts); absent: none. */
    grid: gridSchema.optional(),
  })
  .strict();

export type SignalsConfig = z.infer<typeof signalsSchema>;
export type SizingConfig = z.infer<typeof sizingSchema>;
export type CostsConfig = z.infer<typeof costsSchema>;
export type StopsConfig = z.infer<typeof stopsSchema>;
export type GuardsConfig = z.infer<typeof guardsSchema>;
export type BacktestConfig = z.infer<typeof backtestSchema>;

/** What callers pass: every block optional, every key optional (defaults above). */
export interface EngineConfigInput {
  signals?: z.input<typeof signalsSchema>;
  sizing?: z.input<typeof sizingSchema>;
  costs?: z.input<typeof costsSchema>;
  backtest?: z.input<typeof backtestSchema>;
}

export interface EngineConfig {
  signals: SignalsConfig;
  sizing: SizingConfig;
  costs: CostsConfig;
  backtest: BacktestConfig;
}

/** Parses all four blocks; zod's error names the offending path (e.g. `signals.long_above`). */
export function parseEngineConfig(input: EngineConfigInput = {}): EngineConfig {
  const parsed = z
    .object({
      signals: signalsSchema.default(signalsSchema.parse({})),
      sizing: sizingSchema.default(sizingSchema.parse({})),
      costs: costsSchema.default(costsSchema.parse({})),
      backtest: backtestSchema.default(backtestSchema.parse({})),
    })
    .safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`backtest config: ${issues}`);
  }
  return parsed.data;
}
