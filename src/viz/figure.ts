/**
 * A plotly figure as plain data: what `Plotly.newPlot(div, data, layout)` takes. Builders return
 * JSON-ready objects (plain arrays, no typed arrays) so the same figure renders in a notebook, an
 * HTML artifact and a PNG.
 */
export interface Trace {
  type: string;
  name?: string;
  x?: (string | number | null)[];
  y?: (string | number | null)[];
  [key: string]: unknown;
}

export interface Layout {
  title?: { text: string };
  height?: number;
  width?: number;
  [key: string]: unknown;
}

export interface Figure {
  data: Trace[];
  layout: Layout;
}

/** Plain numbers for JSON; NaN (a gap, e.g. an indicator's warm-up) becomes null, which plotly skips. */
export function plainNumbers(values: ArrayLike<number>): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number.isFinite(values[i]) ? values[i] : null;
  return out;
}
