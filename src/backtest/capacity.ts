/**
 * Capacity: the capital at which costs eat half the gross edge.
 *
 * Scaling capital by k scales gross P&L and linear costs (spread, slippage, commission,
 * borrow) by k and square-root impact by k^1.5, so costs(k) = k*L + k^1.5*I and the edge is
 * k*G. Half the edge is gone when k*L + k^1.5*I = k*G/2, i.e. k = ((G/2 - L) / I)^2.
 * Approximations, stated: sizes are taken as proportional to capital (compounding and the
 * participation cap are ignored; the cap would bind first and shrink the edge further) and
 * the commission minimum is ignored (it matters only at small capital).
 */
export interface CapacityInput {
  initialCapital: number;
  /** Sum of trades' P&L before any cost. */
  grossPnl: number;
  /** Sum of linear costs (spread, slippage, commission, borrow). */
  linearCosts: number;
  /** Sum of square-root impact costs. */
  impactCosts: number;
}

/** Capital (same currency as initialCapital); 0 when costs already eat half the edge; Infinity without impact. */
export function capacityEstimate(x: CapacityInput): number {
  const half = x.grossPnl / 2 - x.linearCosts;
  if (!(x.grossPnl > 0) || half <= 0) return 0;
  if (!(x.impactCosts > 0)) return Number.POSITIVE_INFINITY;
  const k = (half / x.impactCosts) ** 2;
  return x.initialCapital * k;
}
