import { IndicatorError } from "./indicator";

/**
 * Throws unless `periodsPerYear` (the annualisation factor of the volatility estimators: 252
 * for daily bars, 252·390 for regular-hours minutes) is a finite number in (0, 10^7].
 */
export function checkAnnualization(indicator: string, periodsPerYear: number): void {
  if (!(periodsPerYear > 0 && periodsPerYear <= 1e7)) {
    throw new IndicatorError(indicator, `parameter annualization must be in (0, 10000000], got ${periodsPerYear}`);
  }
}
