/** A matrix as coloured cells: drift (PSI per feature per check), correlations. */
import { type Figure, plainNumbers } from "./figure";

export interface HeatmapOptions {
  title?: string;
  /** The colour scale's name for the values (shown beside the bar). */
  valueTitle?: string;
  /** Fixes the colour scale's range, so the same value has the same colour on every page. */
  zmin?: number;
  zmax?: number;
  height?: number;
}

/**
 * `z[i][j]` is row `rows[i]` at column `columns[j]`; NaN (no value) is an empty cell. Rows read
 * top down in the order given.
 */
export function heatmapFigure(
  columns: readonly string[],
  rows: readonly string[],
  z: readonly ArrayLike<number>[],
  opts: HeatmapOptions = {},
): Figure {
  if (z.length !== rows.length)
    throw new RangeError(`heatmap: ${z.length} rows of values for ${rows.length} row names`);
  z.forEach((row, i) => {
    if (row.length !== columns.length) {
      throw new RangeError(`heatmap: row ${i} (${rows[i]}) has ${row.length} values for ${columns.length} columns`);
    }
  });
  return {
    data: [
      {
        type: "heatmap",
        x: [...columns],
        y: [...rows],
        z: z.map((row) => plainNumbers(row)),
        // plotly's YlOrRd runs dark to light; reversed, a higher value is a darker red.
        colorscale: "YlOrRd",
        reversescale: true,
        ...(opts.zmin === undefined ? {} : { zmin: opts.zmin }),
        ...(opts.zmax === undefined ? {} : { zmax: opts.zmax }),
        colorbar: { title: { text: opts.valueTitle ?? "" } },
        hoverongaps: false,
      },
    ],
    layout: {
      title: { text: opts.title ?? "" },
      height: opts.height ?? Math.max(300, 22 * rows.length + 140),
      margin: { l: 180, r: 20, t: 50, b: 80 },
      yaxis: { autorange: "reversed", type: "category" },
      xaxis: { type: "category" },
    },
  };
}
