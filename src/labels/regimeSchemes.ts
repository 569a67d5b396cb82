/** The regime ids regime-specific barriers follow (the features stage computes them, bars ≤ t). */
export const REGIME_SCHEMES = ["trend3", "grid12"] as const;
export type RegimeScheme = (typeof REGIME_SCHEMES)[number];

/** How many ids a scheme has: trend/range/volatile, or VIX tercile × breadth × ATR. */
export function regimeCount(scheme: RegimeScheme): number {
  return scheme === "trend3" ? 3 : 12;
}
