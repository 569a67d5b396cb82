/** The one comparison rule of promotion: strictly better, by at least the margin. */
import type { Direction } from "./config";

/** How much better `a` is than `b` in the metric's direction (positive: better). */
export function improvement(a: number, b: number, direction: Direction): number {
  return direction === "min" ? b - a : a - b;
}

/** `value` beats `reference`: strictly better and by at least `margin`; a missing value never does. */
export function beats(value: number, reference: number, direction: Direction, margin: number): boolean {
  const gain = improvement(value, reference, direction);
  return Number.isFinite(gain) && gain > 0 && gain >= margin;
}

/** The value `beats` needs to reach: the reference moved by the margin in the metric's direction. */
export function beatThreshold(reference: number, direction: Direction, margin: number): number {
  return direction === "min" ? reference - margin : reference + margin;
}

/** The best of `values` in the metric's direction (several shuffled controls: the best one counts). */
export function bestOf(values: readonly number[], direction: Direction): number {
  return values.reduce((a, b) => (improvement(b, a, direction) > 0 ? b : a));
}

/** A gate value as text: six significant digits, `missing` for NaN. */
export function formatValue(v: number): string {
  return Number.isNaN(v) ? "missing" : String(Number(v.toPrecision(6)));
}
