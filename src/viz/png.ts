/**
 * Figures as PNG through headless Chromium (Debian's `chromium` package), for reports and
 * artifacts that must be images. Where Chromium is absent, `chromiumAvailable()` says so and
 * callers fall back to HTML.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Figure } from "./figure";
import { figureHtml } from "./html";

/** The Chromium binary: `CHROMIUM_PATH` if set, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath());
}

/** Why PNGs cannot be rendered here (no Chromium, and how to get one), or null when they can. */
export function chromiumMissing(): string | null {
  return chromiumAvailable()
    ? null
    : `no Chromium at ${chromiumPath()} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
}

export interface PngOptions {
  width?: number;
  height?: number;
  /** Upper bound on the Chromium run; default 60 s. */
  timeoutMs?: number;
}

/** Renders `figure` to a PNG at `path` (width × height pixels). Throws when Chromium is missing or fails. */
export function renderPng(figure: Figure, path: string, opts: PngOptions = {}): void {
  const width = opts.width ?? 1200;
  const height = opts.height ?? (typeof figure.layout.height === "number" ? figure.layout.height : 600);
  const missing = chromiumMissing();
  if (missing) throw new Error(`renderPng: ${missing}`);
  const work = mkdtempSync(join(tmpdir(), "wsp-png-"));
  try {
    const sized: Figure = { data: figure.data, layout: { ...figure.layout, width, height } };
    const page = join(work, "figure.html");
    writeFileSync(
      page,
      `<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0;background:#fff}</style></head><body>${figureHtml(sized, { includePlotly: true, id: "fig", staticPlot: true })}</body></html>`,
    );
    const out = resolve(path);
    const args = [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--hide-scrollbars",
      `--user-data-dir=${join(work, "profile")}`,
      `--window-size=${width},${height}`,
      // Lets plotly finish drawing before the screenshot is taken.
      "--virtual-time-budget=10000",
      `--screenshot=${out}`,
      `file://${page}`,
    ];
    const run = spawnSync(chromiumPath(), args, { encoding: "utf8", timeout: opts.timeoutMs ?? 60_000 });
    if (run.error) throw new Error(`renderPng: ${chromiumPath()} failed to run: ${run.error.message}`);
    if (!existsSync(out) || statSync(out).size === 0) {
      throw new Error(`renderPng: Chromium exited ${run.status} without writing ${out}: ${run.stderr.slice(-1000)}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
