/**
 * Curves on the unit square in side-by-side panels: ROC and precision-recall curves (out of
 * sample | holdout), reliability diagrams (before | after calibration). A curve keeps its colour
 * and legend entry across panels; the highlighted one (the run's selected variant) is drawn
 * thick, the others thin. Long curves are thinned for drawing only (the numbers come from the
 * full curve).
 */
import { type Figure, plainNumbers, type Trace } from "./figure";

export interface Curve {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  highlight?: boolean;
  /** Marks each point (a reliability bin); default lines only. */
  markers?: boolean;
}

export interface CurvePanel {
  title: string;
  curves: readonly Curve[];
  /** A dashed reference: chance on a ROC plot, the base rate on a PR plot, the diagonal of perfect calibration. */
  reference?: { name: string; x: readonly number[]; y: readonly number[] };
}

export interface CurveOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  height?: number;
  /** Points drawn per curve at most (default 400). */
  maxPoints?: number;
}

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];

/** Every `step`-th point and the last: enough to draw a curve of thousands of points. */
function thin(x: ArrayLike<number>, y: ArrayLike<number>, max: number): { x: (number | null)[]; y: (number | null)[] } {
  if (x.length !== y.length) throw new RangeError(`curve: x has ${x.length} points but y has ${y.length}`);
  const step = Math.max(1, Math.ceil(x.length / max));
  const idx: number[] = [];
  for (let i = 0; i < x.length; i += step) idx.push(i);
  if (x.length > 0 && idx[idx.length - 1] !== x.length - 1) idx.push(x.length - 1);
  return { x: plainNumbers(idx.map((i) => x[i])), y: plainNumbers(idx.map((i) => y[i])) };
}

export function curveFigure(panels: readonly CurvePanel[], opts: CurveOptions): Figure {
  const colours = new Map<string, string>();
  const colourOf = (name: string) => {
    if (!colours.has(name)) colours.set(name, PALETTE[colours.size % PALETTE.length]);
    return colours.get(name) as string;
  };
  const shown = new Set<string>();
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {};
  const gap = 0.06;
  const annotations: unknown[] = [];
  panels.forEach((p, k) => {
    const axis = k === 0 ? "" : String(k + 1);
    const from = k / panels.length + (k === 0 ? 0 : gap / 2);
    const to = (k + 1) / panels.length - (k === panels.length - 1 ? 0 : gap / 2);
    layout[`xaxis${axis}`] = { domain: [from, to], range: [0, 1], title: { text: opts.xTitle }, anchor: `y${axis}` };
    layout[`yaxis${axis}`] = {
      range: [0, 1.02],
      anchor: `x${axis}`,
      ...(k === 0 ? { title: { text: opts.yTitle } } : {}),
    };
    annotations.push({
      text: p.title,
      x: (from + to) / 2,
      y: 1.02,
      xref: "paper",
      yref: "paper",
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
    });
    if (p.reference) {
      data.push({
        type: "scatter",
        mode: "lines",
        name: p.reference.name,
        x: [...p.reference.x],
        y: [...p.reference.y],
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        line: { dash: "dash", color: "#888", width: 1 },
        showlegend: false,
        hoverinfo: "name",
      });
    }
    for (const c of p.curves) {
      const pts = thin(c.x, c.y, opts.maxPoints ?? 400);
      data.push({
        type: "scatter",
        mode: c.markers ? "lines+markers" : "lines",
        name: c.name,
        legendgroup: c.name,
        showlegend: !shown.has(c.name),
        x: pts.x,
        y: pts.y,
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        line: { color: colourOf(c.name), width: c.highlight ? 3.5 : 1.5 },
        opacity: c.highlight ? 1 : 0.7,
      });
      shown.add(c.name);
    }
  });
  return {
    data,
    layout: {
      title: { text: opts.title },
      height: opts.height ?? 480,
      margin: { l: 60, r: 20, t: 80, b: 50 },
      annotations,
      ...layout,
    },
  };
}
