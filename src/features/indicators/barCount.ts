import { IndicatorError } from "./indicator";

/**
 * Throws unless a batch input has enough bars to produce at least one value: a series shorter
 * than the warm-up would come back all NaN, which hides the mistake. `params` describes the
 * setting that fixes the warm-up (e.g. "period=14").
 */
export function checkBarCount(indicator: string, n: number, minBars: number, params: string): void {
  if (n < minBars) {
    throw new IndicatorError(indicator, `needs at least ${minBars} bars for ${params}, got ${n}`);
  }
}
