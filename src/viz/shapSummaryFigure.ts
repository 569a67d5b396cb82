/**
 * The SHAP summary ("beeswarm") plot: one row per feature, each explained row a point at its
 * SHAP value, coloured by the feature's value within that feature's range (low blue, high red),
 * jittered vertically so dense regions show their density. Features read top down in the order
 * given (largest mean |SHAP| first).
 */
import type { Figure } from "./figure";

export interface ShapSummaryFeature {
  name: string;
  /** SHAP value per explained row. */
  shap: ArrayLike<number>;
  /** The feature's value on the same rows. */
  values: ArrayLike<number>;
}

/** A deterministic jitter in [-0.3, 0.3] (a figure must not change between runs). */
function jitter(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return 0.6 * (x - Math.floor(x)) - 0.3;
}

/** Values scaled to [0, 1] between their 5th and 95th percentiles (outliers do not wash out the colours). */
function normalised(values: ArrayLike<number>): (number | null)[] {
  const finite = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const lo = finite[Math.floor(0.05 * (finite.length - 1))] ?? 0;
  const hi = finite[Math.ceil(0.95 * (finite.length - 1))] ?? 1;
  const span = hi > lo ? hi - lo : 1;
  return Array.from(values, (v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, (v - lo) / span)) : null));
}

export function shapSummaryFigure(
  features: readonly ShapSummaryFeature[],
  opts: { title?: string; maxPoints?: number } = {},
): Figure {
  const maxPoints = opts.maxPoints ?? 600;
  const x: number[] = [];
  const y: number[] = [];
  const color: (number | null)[] = [];
  const text: string[] = [];
  features.forEach((f, k) => {
    if (f.shap.length !== f.values.length) {
      throw new RangeError(
        `shap summary ${f.name}: ${f.shap.length} SHAP values for ${f.values.length} feature values`,
      );
    }
    const scaled = normalised(f.values);
    // Every `step`-th row: a figure of a few thousand points stays light in a notebook.
    const step = Math.max(1, Math.ceil(f.shap.length / maxPoints));
    for (let i = 0; i < f.shap.length; i += step) {
      x.push(f.shap[i]);
      y.push(k + jitter(i));
      color.push(scaled[i]);
      text.push(`${f.name} = ${Number(f.values[i]).toPrecision(4)}`);
    }
  });
  return {
    data: [
      {
        type: "scattergl",
        mode: "markers",
        name: "rows",
        x,
        y,
        text,
        hoverinfo: "x+text",
        marker: {
          size: 4,
          color,
          colorscale: "RdBu",
          reversescale: true,
          cmin: 0,
          cmax: 1,
          colorbar: { title: { text: "feature value" }, tickvals: [0, 1], ticktext: ["low", "high"] },
        },
      },
    ],
    layout: {
      title: { text: opts.title ?? "" },
      height: Math.max(320, 34 * features.length + 120),
      xaxis: { title: { text: "SHAP value (log-odds)" }, zeroline: true },
      yaxis: {
        tickvals: features.map((_, k) => k),
        ticktext: features.map((f) => f.name),
        autorange: "reversed",
        automargin: true,
      },
      showlegend: false,
      margin: { l: 160, r: 20, t: 50, b: 50 },
    },
  };
}
