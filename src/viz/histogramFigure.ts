/** A distribution as a histogram: PBO's logits per CSCV split, a metric across variants. */
import { type Figure, plainNumbers } from "./figure";

export interface HistogramOptions {
  title?: string;
  xTitle?: string;
  /** A vertical line at this x (PBO counts the logits at or left of 0). */
  marker?: number;
  height?: number;
}

export function histogramFigure(values: ArrayLike<number>, opts: HistogramOptions = {}): Figure {
  const shapes =
    opts.marker === undefined
      ? []
      : [{ type: "line", x0: opts.marker, x1: opts.marker, yref: "paper", y0: 0, y1: 1, line: { dash: "dash" } }];
  return {
    data: [{ type: "histogram", x: plainNumbers(values), name: opts.xTitle ?? "" }],
    layout: {
      title: { text: opts.title ?? "" },
      height: opts.height ?? 400,
      showlegend: false,
      xaxis: { title: { text: opts.xTitle ?? "" } },
      yaxis: { title: { text: "count" } },
      shapes,
    },
  };
}
