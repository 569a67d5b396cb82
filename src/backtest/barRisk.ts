/**
 * What the engine reads at a signal bar to size and stop an entry (simulationInputs.ts,
 * simulate.ts): the annualised volatility behind `vol_target` and the ATR behind the stops,
 * and which of them the config makes it wait for.
 */
import type { Timeframe } from "../data";
import { periodsPerYear } from "./annualization";
import { AtrStream } from "./atr";
import type { BacktestConfig, CostsConfig, SizingConfig, StopsConfig } from "./config";
import { RollingVolatilityStream } from "./rollingVolatility";

export interface BarRisk {
  /** Per-bar volatility of close-to-close returns over `sizing.vol_lookback` bars, annualised; NaN in warm-up. */
  readonly sigmaAnnual: number;
  /** Wilder ATR over `backtest.stops.atr_period` bars; NaN in warm-up. */
  readonly atr: number;
}

/** The blocks that decide which risk inputs an entry waits for. */
export interface RiskNeedsConfig {
  sizing: Pick<SizingConfig, "kind">;
  costs: Pick<CostsConfig, "slippage_atr" | "impact">;
  stops: Pick<StopsConfig, "stop_loss_atr" | "take_profit_atr">;
}

/**
 * Which inputs the engine computes, and so waits for: ATR for stops or ATR slippage, volatility
 * for vol targeting or square-root impact. Until a needed one has warmed up an entry gets size 0.
 */
export function riskNeeds(cfg: RiskNeedsConfig): { atr: boolean; sigma: boolean } {
  const st = cfg.stops;
  return {
    atr: st.stop_loss_atr !== null || st.take_profit_atr !== null || cfg.costs.slippage_atr > 0,
    sigma: cfg.sizing.kind === "vol_target" || cfg.costs.impact === "sqrt",
  };
}

/** Bars per year the engine annualises with: `backtest.periods_per_year`, else the timeframe's. */
export function enginePeriodsPerYear(backtest: Pick<BacktestConfig, "periods_per_year">, timeframe: Timeframe): number {
  return backtest.periods_per_year ?? periodsPerYear(timeframe);
}

/**
 * The engine's risk columns one bar at a time (a live feed, the forecast service): `update(bar)`
 * equals, at every bar, `rollingVolatility(close, vol_lookback)[t] · √(periods per year)` and
 * `atr(high, low, close, atr_period)[t]` over the same bars from the same first bar. The engine
 * computes both over the bars it trades (a run: from its first out-of-sample bar); ATR remembers
 * its start (volatility does not, past its window), see AtrStream.
 */
export class BarRiskStream {
  private readonly volatility: RollingVolatilityStream;
  private readonly atr: AtrStream;
  private readonly sqrtPeriods: number;

  constructor(
    config: {
      sizing: Pick<SizingConfig, "vol_lookback">;
      backtest: Pick<BacktestConfig, "periods_per_year" | "stops">;
    },
    timeframe: Timeframe,
  ) {
    this.volatility = new RollingVolatilityStream(config.sizing.vol_lookback);
    this.atr = new AtrStream(config.backtest.stops.atr_period);
    this.sqrtPeriods = Math.sqrt(enginePeriodsPerYear(config.backtest, timeframe));
  }

  /** Feeds the next bar; returns the risk inputs at its close. */
  update(bar: { readonly high: number; readonly low: number; readonly close: number }): BarRisk {
    return {
      sigmaAnnual: this.volatility.update(bar.close) * this.sqrtPeriods,
      atr: this.atr.update(bar.high, bar.low, bar.close),
    };
  }
}
