/** Bars by category: feature importances, per-regime metrics, per-fold scores. */
import { type Figure, plainNumbers } from "./figure";

export interface BarSeries {
  name: string;
  values: ArrayLike<number>;
}

export interface BarOptions {
  title?: string;
  valueTitle?: string;
  /** Horizontal bars read better for long category names such as feature keys. */
  horizontal?: boolean;
  height?: number;
}

export function barFigure(categories: string[], series: BarSeries[], opts: BarOptions = {}): Figure {
  const horizontal = opts.horizontal ?? false;
  return {
    data: series.map((s, i) => {
      if (s.values.length !== categories.length) {
        throw new RangeError(`series[${i}] (${s.name}): ${s.values.length} values for ${categories.length} categories`);
      }
      const values = plainNumbers(s.values);
      return horizontal
        ? { type: "bar", name: s.name, orientation: "h", x: values, y: categories }
        : { type: "bar", name: s.name, x: categories, y: values };
    }),
    layout: {
      title: { text: opts.title ?? "" },
      height: opts.height ?? Math.max(400, horizontal ? 24 * categories.length + 120 : 400),
      barmode: "group",
      showlegend: series.length > 1,
      margin: { l: horizontal ? 180 : 60, r: 20, t: 50, b: horizontal ? 40 : 100 },
      [horizontal ? "xaxis" : "yaxis"]: { title: { text: opts.valueTitle ?? "" } },
      ...(horizontal ? { yaxis: { autorange: "reversed" } } : {}),
    },
  };
}
