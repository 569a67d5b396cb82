/**
 * Figures as HTML with plotly.js inlined (no CDN: reports open offline and as MLflow artifacts).
 * A page carries the library once however many figures it holds.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Figure } from "./figure";

let plotlySource: string | null = null;

/**
 * plotly.min.js from `plotly.js-dist-min`, resolved from the working directory (no
 * `import.meta` here: notebooks load this module as CommonJS).
 */
export function plotlyJs(): string {
  if (plotlySource === null) {
    const req = createRequire(join(process.cwd(), "package.json"));
    plotlySource = readFileSync(req.resolve("plotly.js-dist-min/plotly.min.js"), "utf8");
  }
  return plotlySource;
}

/** JSON that is safe inside a <script> element (no "</script>", no HTML comment openers). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

let divCounter = 0;

/**
 * One figure as a <div> and the script that draws it. With `includePlotly` the fragment also
 * defines `Plotly` (the first figure of a notebook); without, it expects a page that has it.
 */
export function figureHtml(
  figure: Figure,
  opts: { includePlotly?: boolean; id?: string; staticPlot?: boolean } = {},
): string {
  const id = opts.id ?? `wsp-fig-${Date.now().toString(36)}-${(divCounter++).toString(36)}`;
  const lib = opts.includePlotly ? `<script>${plotlyJs()}</script>\n` : "";
  // A static plot (for images) has no mode bar and no hover layer.
  const config = opts.staticPlot ? { staticPlot: true } : { responsive: true, displaylogo: false };
  return `${lib}<div id="${id}" class="wsp-figure"></div>
<script>Plotly.newPlot(${scriptJson(id)}, ${scriptJson(figure.data)}, ${scriptJson(figure.layout)}, ${scriptJson(config)});</script>`;
}

/** A self-contained HTML page with every figure, plotly inlined once. */
export function renderHtml(figures: Figure[], title: string): string {
  const body = figures.map((f, i) => figureHtml(f, { id: `figure-${i}` })).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:16px}.wsp-figure{margin-bottom:24px}</style>
<script>${plotlyJs()}</script>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/**
 * A page panel under a heading. The element carrying `id` is the figure's div, the note's
 * paragraph or the link itself, so a test or a script finds each panel by its id.
 */
export type PagePanel =
  | { readonly id: string; readonly heading: string; readonly figure: Figure }
  /** A panel with nothing to draw says why in its note. */
  | { readonly id: string; readonly heading: string; readonly note: string }
  | { readonly id: string; readonly heading: string; readonly link: { readonly href: string; readonly text: string } };

function panelHtml(p: PagePanel): string {
  const body =
    "figure" in p
      ? figureHtml(p.figure, { id: p.id })
      : "note" in p
        ? `<p id="${escapeHtml(p.id)}" class="wsp-note">${escapeHtml(p.note)}</p>`
        : `<p><a id="${escapeHtml(p.id)}" href="${escapeHtml(p.link.href)}">${escapeHtml(p.link.text)}</a></p>`;
  return `<section>\n<h2>${escapeHtml(p.heading)}</h2>\n${body}\n</section>`;
}

/** A self-contained page of panels, plotly inlined once; `subtitle` is a line under the title. */
export function panelPageHtml(title: string, panels: readonly PagePanel[], subtitle = ""): string {
  const ids = new Set<string>();
  for (const p of panels) {
    if (ids.has(p.id)) throw new Error(`panelPageHtml: two panels have the id ${p.id}`);
    ids.add(p.id);
  }
  // The empty icon keeps the browser from asking the server for /favicon.ico (a 404 in its console).
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:16px}.wsp-figure{margin-bottom:24px}.wsp-note{color:#555}</style>
<script>${plotlyJs()}</script>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${subtitle === "" ? "" : `<p>${escapeHtml(subtitle)}</p>\n`}${panels.map(panelHtml).join("\n")}
</body>
</html>
`;
}
