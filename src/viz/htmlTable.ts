/**
 * A table as an HTML element: a report's numbers as text a reader can copy and a test can read
 * (a plotly table draws them on a canvas). Cells are text, escaped here.
 */
import { escapeHtml } from "./html";

export interface HtmlTableOptions {
  id: string;
  caption?: string;
}

export function htmlTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  opts: HtmlTableOptions,
): string {
  rows.forEach((r, i) => {
    if (r.length !== header.length)
      throw new RangeError(`table ${opts.id}: row ${i} has ${r.length} cells for ${header.length} columns`);
  });
  const cells = (tag: string, values: readonly string[]) =>
    values.map((v) => `<${tag}>${escapeHtml(v)}</${tag}>`).join("");
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : "";
  return `<table id="${escapeHtml(opts.id)}" class="wsp-table">${caption}<thead><tr>${cells("th", header)}</tr></thead><tbody>${rows
    .map((r) => `<tr>${cells("td", r)}</tr>`)
    .join("")}</tbody></table>`;
}
