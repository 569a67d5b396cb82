import { IndicatorError } from "../indicator";

/**
 * Throws unless a batch call has more than `lookback` bars, i.e. at least one value past the
 * warm-up; `params` describes the parameters that set the warm-up (e.g. `period=14`).
 */
export function requireBars(indicator: string, n: number, lookback: number, params: string): void {
  if (n <= lookback) {
    throw new IndicatorError(
      indicator,
      `needs at least ${lookback + 1} bars for the warm-up of ${params} (first value at index ${lookback}), got ${n}`,
    );
  }
}

/** Throws unless `value` is a finite number in (min, max]; for real-valued parameters. */
export function checkRealParam(indicator: string, param: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value <= min || value > max) {
    throw new IndicatorError(indicator, `parameter ${param} must be a number in (${min}, ${max}], got ${value}`);
  }
}
