/**
 * Position size as a fraction of equity for one entry, decided at the signal bar's close.
 * NaN means "cannot size yet" (volatility or probability not available): the entry is skipped.
 */
import type { SizingConfig } from "./config";

export interface SizingContext {
  /** Annualised volatility at the signal bar (vol targeting). */
  sigmaAnnual: number;
  /** Calibrated probability of the signalled side (Kelly). */
  probability: number;
  /** Win/loss payoff ratio b (Kelly). */
  payoffRatio: number;
}

/** Full Kelly fraction for a bet won with probability p paying b per unit risked: p - (1-p)/b. */
export function kellyFraction(p: number, b: number): number {
  return p - (1 - p) / b;
}

/** Uncapped fraction before the per-position cap; <= 0 means no trade. */
export function rawFraction(cfg: SizingConfig, ctx: SizingContext): number {
  switch (cfg.kind) {
    case "fixed":
      return cfg.fraction;
    case "vol_target":
      return ctx.sigmaAnnual > 0 ? cfg.target / ctx.sigmaAnnual : Number.NaN;
    case "kelly":
      return Number.isNaN(ctx.probability)
        ? Number.NaN
        : cfg.kelly_fraction * kellyFraction(ctx.probability, ctx.payoffRatio);
  }
}

/** Fraction after the per-position cap, 0 for no trade, NaN when inputs are missing. */
export function positionFraction(cfg: SizingConfig, ctx: SizingContext): number {
  const f = rawFraction(cfg, ctx);
  if (Number.isNaN(f)) return f;
  return f <= 0 ? 0 : Math.min(f, cfg.max_position);
}
