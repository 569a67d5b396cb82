/** HTML with plotly inlined once; PNG through headless Chromium where it is installed. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadBundled, sliceBars } from "../../src/data/index";
import {
  barFigure,
  candlestickFigure,
  chromiumAvailable,
  chromiumPath,
  plotlyJs,
  renderHtml,
  renderPng,
} from "../../src/viz/index";
import { countColor, readPng } from "./pngPixels";

const spy = loadBundled("SPY", "1d");
const recent = sliceBars(spy, spy.ts.length - 120);

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe("renderHtml", () => {
  it("inlines plotly exactly once for several figures and loads nothing from the network", () => {
    const html = renderHtml(
      [candlestickFigure(recent), barFigure(["a", "b"], [{ name: "s", values: [1, 2] }])],
      "SPY <report> & more",
    );
    const banner = plotlyJs().slice(0, 200);
    expect(plotlyJs().length).toBeGreaterThan(1_000_000);
    expect(occurrences(html, banner)).toBe(1);
    expect(occurrences(html, "Plotly.newPlot(") - occurrences(plotlyJs(), "Plotly.newPlot(")).toBe(2);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain("<title>SPY &lt;report&gt; &amp; more</title>");
  });

  it("keeps data that looks like markup from closing the script", () => {
    const html = renderHtml([barFigure(["</script><b>x"], [{ name: "n", values: [1] }])], "t");
    expect(html).not.toContain("</script><b>x");
    expect(html).toContain("\\u003c/script>\\u003cb>x");
  });
});

describe("renderPng", () => {
  const dir = mkdtempSync(join(tmpdir(), "wsp-viz-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("explains what is missing when Chromium is absent", () => {
    if (chromiumAvailable()) {
      const saved = process.env.CHROMIUM_PATH;
      process.env.CHROMIUM_PATH = "/nonexistent/chromium";
      try {
        expect(() => renderPng(candlestickFigure(recent), join(dir, "x.png"))).toThrow(
          /no Chromium at \/nonexistent\/chromium/,
        );
      } finally {
        if (saved === undefined) delete process.env.CHROMIUM_PATH;
        else process.env.CHROMIUM_PATH = saved;
      }
    } else {
      expect(() => renderPng(candlestickFigure(recent), join(dir, "x.png"))).toThrow(/no Chromium at/);
    }
  });

  const skipReason = chromiumAvailable() ? "" : `no Chromium at ${chromiumPath()} (apt-get install -y chromium)`;
  if (skipReason) console.log(`skipping the PNG rendering test: ${skipReason}`);

  it.skipIf(Boolean(skipReason))("renders a SPY candlestick PNG that is not blank", () => {
    const path = join(dir, "spy.png");
    renderPng(candlestickFigure(recent), path, { width: 900, height: 500 });
    const px = readPng(path);
    expect([px.width, px.height]).toEqual([900, 500]);
    const total = px.width * px.height;
    const white = countColor(px, [255, 255, 255], 8);
    expect(white).toBeLessThan(total * 0.98);
    // Both candle colours are drawn: up (#26a69a) and down (#ef5350) days in the last 120 sessions.
    expect(countColor(px, [0x26, 0xa6, 0x9a])).toBeGreaterThan(200);
    expect(countColor(px, [0xef, 0x53, 0x50])).toBeGreaterThan(200);
  });
});
