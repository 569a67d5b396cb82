/** Point estimates by category with their interval as whiskers: an ablation's deltas, a bootstrap's bounds. */
import { type Figure, plainNumbers } from "./figure";
import { barFigure } from "./barFigure";

export interface IntervalSeries {
  name: string;
  values: ArrayLike<number>;
  /** Interval bounds per category (NaN: no interval, no whisker). */
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
}

export interface IntervalBarOptions {
  title?: string;
  valueTitle?: string;
  horizontal?: boolean;
}

export function intervalBarFigure(categories: string[], s: IntervalSeries, opts: IntervalBarOptions = {}): Figure {
  if (s.lo.length !== categories.length || s.hi.length !== categories.length)
    throw new RangeError(`${s.name}: ${s.lo.length} and ${s.hi.length} bounds for ${categories.length} categories`);
  const fig = barFigure(categories, [{ name: s.name, values: s.values }], opts);
  const plus = plainNumbers(Float64Array.from(categories, (_, i) => s.hi[i] - s.values[i]));
  const minus = plainNumbers(Float64Array.from(categories, (_, i) => s.values[i] - s.lo[i]));
  fig.data[0][opts.horizontal ? "error_x" : "error_y"] = {
    type: "data",
    symmetric: false,
    array: plus,
    arrayminus: minus,
    thickness: 1.5,
    width: 6,
  };
  return fig;
}
