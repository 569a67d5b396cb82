/**
 * Points or lines over a numeric x axis (not time): reliability diagrams (mean forecast against
 * observed frequency), SHAP dependence plots (a feature's value against its SHAP value), a
 * threshold grid's in-sample against out-of-sample scores.
 */
import { type Figure, plainNumbers } from "./figure";

export interface ScatterSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** `markers` (default), `lines` or `lines+markers`. */
  mode?: "markers" | "lines" | "lines+markers";
  /** A value per point coloured on a scale (e.g. another feature), with its name on the bar. */
  color?: { values: ArrayLike<number>; title: string };
  /** Marker size per point (e.g. a reliability bin's row count), scaled to 4..18 px. */
  size?: ArrayLike<number>;
  dash?: "dash" | "dot";
}

export interface ScatterOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  height?: number;
  /** The diagonal y = x from `min` to `max` (a perfectly calibrated forecast). */
  diagonal?: { min: number; max: number };
}

function scaledSizes(values: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(values).filter(Number.isFinite), 1);
  return Array.from(values, (v) => 4 + 14 * Math.sqrt(Math.max(v, 0) / max));
}

export function scatterFigure(series: readonly ScatterSeries[], opts: ScatterOptions = {}): Figure {
  const data = series.map((s, i) => {
    if (s.x.length !== s.y.length) {
      throw new RangeError(`scatter series[${i}] (${s.name}): x has ${s.x.length} points but y has ${s.y.length}`);
    }
    const marker: Record<string, unknown> = { size: s.size ? scaledSizes(s.size) : 5, opacity: s.color ? 0.7 : 0.85 };
    if (s.color) {
      marker.color = plainNumbers(s.color.values);
      marker.colorscale = "RdBu";
      marker.reversescale = true;
      marker.colorbar = { title: { text: s.color.title } };
    }
    return {
      type: "scatter",
      mode: s.mode ?? "markers",
      name: s.name,
      x: plainNumbers(s.x),
      y: plainNumbers(s.y),
      marker,
      ...(s.dash ? { line: { dash: s.dash } } : {}),
    };
  });
  if (opts.diagonal) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: "y = x",
      x: [opts.diagonal.min, opts.diagonal.max],
      y: [opts.diagonal.min, opts.diagonal.max],
      marker: {},
      line: { dash: "dash" },
    });
  }
  return {
    data,
    layout: {
      title: { text: opts.title ?? "" },
      height: opts.height ?? 420,
      xaxis: { title: { text: opts.xTitle ?? "" }, zeroline: false },
      yaxis: { title: { text: opts.yTitle ?? "" }, zeroline: false },
      margin: { l: 60, r: 20, t: 50, b: 50 },
    },
  };
}
