/**
 * The contract every indicator file follows (one indicator per file, trading-signals style):
 *
 *   export function rsi(close: Float64Array, period = 14): Float64Array          // batch
 *   export class RsiStream implements StreamingIndicator<number> { ... }         // streaming twin
 *
 * Batch functions take typed arrays and return typed arrays of the same length; warm-up
 * values are NaN, never zeros. The streaming twin's `update` takes one bar and returns the
 * value at that bar, equal to the batch output within the project's tolerance
 * (docs/architecture.md, "Shared definitions").
 * Multi-output indicators return an object of named `Float64Array`s (batch) and the same
 * shape of numbers (streaming). Each file also exports its descriptor (descriptor.ts: name,
 * parameters, outputs, warm-up, both twins wired), listed once in table.ts; LiveStream adds
 * `replace` (an updated partial bar) and `isStable` to any descriptor's stream.
 */
export interface OhlcvBar {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface StreamingIndicator<T> {
  /** Feed the next bar; returns the value at that bar (NaN or NaN-filled during warm-up). */
  update(bar: OhlcvBar): T;
}

export class IndicatorError extends Error {
  constructor(indicator: string, message: string) {
    super(`${indicator}: ${message}`);
    this.name = "IndicatorError";
  }
}

/** Throws unless `value` is an integer in [min, max]; the message names indicator and parameter. */
export function checkPeriod(indicator: string, param: string, value: number, min = 1, max = 100_000): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new IndicatorError(indicator, `parameter ${param} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** Throws unless every series has the same length. */
export function checkSameLength(indicator: string, series: Record<string, ArrayLike<number>>): number {
  const entries = Object.entries(series);
  const n = entries[0][1].length;
  for (const [name, s] of entries) {
    if (s.length !== n) {
      throw new IndicatorError(
        indicator,
        `series ${name} has length ${s.length}, expected ${n} (same as ${entries[0][0]})`,
      );
    }
  }
  return n;
}

/**
 * True when the bar's high, low or close is NaN: a high-low-close indicator's stream restarts
 * its warm-up there, as its batch twin restarts at the next clean run.
 */
export function hlcMissing(bar: OhlcvBar): boolean {
  return Number.isNaN(bar.high) || Number.isNaN(bar.low) || Number.isNaN(bar.close);
}
