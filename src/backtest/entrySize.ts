/**
 * The fraction of equity an entry signalled at a bar gets, from what is known at that bar's
 * close: the one rule `simulate` sizes entries with and the forecast reports.
 */
import { type BarRisk, type RiskNeedsConfig, riskNeeds } from "./barRisk";
import type { SizingConfig, StopsConfig } from "./config";
import { positionFraction } from "./sizing";

export interface EntrySizeConfig extends RiskNeedsConfig {
  sizing: SizingConfig;
  stops: Pick<StopsConfig, "stop_loss_atr" | "take_profit_atr">;
}

/** Kelly's win/loss payoff b: `sizing.payoff_ratio`, else take-profit over stop-loss multiple when both are set, else 1. */
export function kellyPayoffRatio(
  sizing: Pick<SizingConfig, "payoff_ratio">,
  stops: Pick<StopsConfig, "stop_loss_atr" | "take_profit_atr">,
): number {
  const st = stops;
  return sizing.payoff_ratio ?? (st.stop_loss_atr && st.take_profit_atr ? st.take_profit_atr / st.stop_loss_atr : 1);
}

/** False while a risk input the config needs (riskNeeds) is still NaN: the engine then enters with size 0. */
export function riskReady(cfg: RiskNeedsConfig, risk: BarRisk): boolean {
  const needs = riskNeeds(cfg);
  return !((needs.atr && Number.isNaN(risk.atr)) || (needs.sigma && Number.isNaN(risk.sigmaAnnual)));
}

/**
 * Fraction after the per-position cap (`positionFraction`), 0 until the risk inputs are ready;
 * NaN or <= 0: no entry. `probability` is the signalled side's (Kelly).
 */
export function entryFraction(cfg: EntrySizeConfig, risk: BarRisk, probability: number): number {
  if (!riskReady(cfg, risk)) return 0;
  return positionFraction(cfg.sizing, {
    sigmaAnnual: risk.sigmaAnnual,
    probability,
    payoffRatio: kellyPayoffRatio(cfg.sizing, cfg.stops),
  });
}
