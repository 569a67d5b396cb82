/**
 * Transaction costs of one fill. Price-based costs (half spread, slippage, square-root impact)
 * move the execution price against the trader; commission is charged in cash.
 */
import type { CostsConfig } from "./config";

export interface FillContext {
  /** Raw fill price (open, close or stop level) before costs. */
  price: number;
  /** Absolute number of shares traded. */
  shares: number;
  /** ATR at the decision bar (NaN when not needed). */
  atr: number;
  /** Standard deviation of one bar's return at the decision bar (NaN when not needed). */
  sigma: number;
  /** Volume of the decision bar (NaN when the series has none). */
  volume: number;
}

/** Linear part of the adverse price move, as a fraction of the price. */
export function linearSlippageFraction(cfg: CostsConfig, price: number, atr: number): number {
  let s = (cfg.spread_bps / 2 + cfg.slippage_bps) / 1e4;
  if (cfg.slippage_atr > 0) s += (cfg.slippage_atr * atr) / price;
  return s;
}

/**
 * Square-root impact as a fraction of the price: Y * sigma * sqrt(shares / volume)
 * (Almgren et al. 2005; Tóth et al. 2011). Zero without volume or when impact is off.
 */
export function impactFraction(cfg: CostsConfig, shares: number, sigma: number, volume: number): number {
  if (cfg.impact !== "sqrt" || !(volume > 0) || shares === 0) return 0;
  return cfg.impact_coef * sigma * Math.sqrt(shares / volume);
}

export function commission(cfg: CostsConfig, shares: number, notional: number): number {
  const c = (cfg.commission_bps / 1e4) * notional + cfg.commission_per_share * shares;
  return c > 0 || cfg.commission_min > 0 ? Math.max(c, cfg.commission_min) : 0;
}

export interface FillCost {
  /** Execution price after spread, slippage and impact. */
  execPrice: number;
  /** Cash commission. */
  commission: number;
  /** Cost from spread, slippage and commission (scales linearly with size). */
  linear: number;
  /** Cost from market impact (scales with size^1.5). */
  impact: number;
}

/** Costs of buying (side +1) or selling (side -1) `ctx.shares` shares. */
export function fillCost(cfg: CostsConfig, side: number, ctx: FillContext): FillCost {
  const lin = linearSlippageFraction(cfg, ctx.price, ctx.atr);
  const imp = impactFraction(cfg, ctx.shares, ctx.sigma, ctx.volume);
  const execPrice = ctx.price * (1 + side * (lin + imp));
  const notional = ctx.shares * ctx.price;
  const comm = commission(cfg, ctx.shares, notional);
  return { execPrice, commission: comm, linear: notional * lin + comm, impact: notional * imp };
}
