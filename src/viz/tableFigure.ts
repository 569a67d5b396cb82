/** Rows of text as a plotly table: a page's tabular panel drawn like its figures. */
import type { Figure } from "./figure";

export interface TableOptions {
  title?: string;
  height?: number;
}

export function tableFigure(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  opts: TableOptions = {},
): Figure {
  rows.forEach((r, i) => {
    if (r.length !== header.length)
      throw new RangeError(`table: row ${i} has ${r.length} cells for ${header.length} columns`);
  });
  // plotly tables take columns, not rows.
  const columns = header.map((_, j) => rows.map((r) => r[j]));
  return {
    data: [
      {
        type: "table",
        header: { values: [...header], align: "left", fill: { color: "#e8eaf0" }, font: { size: 12 } },
        cells: { values: columns, align: "left", font: { size: 12 }, height: 24 },
      },
    ],
    layout: {
      title: { text: opts.title ?? "" },
      height: opts.height ?? Math.min(900, 24 * rows.length + 140),
      margin: { l: 20, r: 20, t: 50, b: 20 },
    },
  };
}
