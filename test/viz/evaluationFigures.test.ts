/**
 * The report's evaluation figures: curves in side-by-side panels (thinned for drawing, one legend
 * entry per curve, the selected one thick), confusion heatmaps (coloured by row share, labelled
 * with counts), and HTML tables (escaped, shape-checked).
 */
import { describe, expect, it } from "vitest";
import { confusionFigure, curveFigure, htmlTable } from "../../src/viz/index";

describe("curveFigure", () => {
  const long = Float64Array.from({ length: 1001 }, (_, i) => i / 1000);
  const fig = curveFigure(
    [
      {
        title: "out of sample",
        curves: [
          { name: "gbm", x: long, y: long, highlight: true },
          { name: "rf", x: [0, 1], y: [0, 1] },
        ],
        reference: { name: "chance", x: [0, 1], y: [0, 1] },
      },
      { title: "holdout", curves: [{ name: "gbm", x: [0, 0.5, 1], y: [0, 0.7, 1] }] },
    ],
    { title: "ROC", xTitle: "FPR", yTitle: "TPR", maxPoints: 100 },
  );

  it("puts each panel on its own axes, a curve's legend entry and colour once across panels", () => {
    const curves = fig.data.filter((t) => t.name !== "chance");
    expect(curves.map((t) => [t.name, t.xaxis, t.showlegend])).toEqual([
      ["gbm", "x", true],
      ["rf", "x", true],
      ["gbm", "x2", false],
    ]);
    const colour = (i: number) => (curves[i].line as { color: string }).color;
    expect(colour(0)).toBe(colour(2));
    expect(colour(0)).not.toBe(colour(1));
    expect(fig.layout.xaxis2).toMatchObject({ anchor: "y2" });
    expect((fig.layout.annotations as { text: string }[]).map((a) => a.text)).toEqual(["out of sample", "holdout"]);
  });

  it("thins a long curve to about maxPoints, keeping its ends; draws the highlighted one thick", () => {
    const gbm = fig.data.find((t) => t.name === "gbm");
    // Every 11th of 1,001 points (ceil(1001 / 100)) and the last.
    expect(gbm?.x?.length).toBe(92);
    expect(gbm?.x?.[0]).toBe(0);
    expect(gbm?.x?.at(-1)).toBe(1);
    const width = (name: string) =>
      (fig.data.find((t) => t.name === name)?.line as { width: number } | undefined)?.width;
    expect(width("gbm")).toBeGreaterThan(width("rf") ?? Number.POSITIVE_INFINITY);
    expect(JSON.stringify(fig)).not.toMatch(/\{"0":/);
  });
});

describe("confusionFigure", () => {
  it("colours each cell by its share of the true class and labels it with count and share", () => {
    const fig = confusionFigure(
      ["DOWN", "UP"],
      ["DOWN", "UP"],
      [
        [30, 10],
        [0, 0],
      ],
      { title: "c" },
    );
    expect(fig.data[0].z).toEqual([
      [0.75, 0.25],
      [null, null],
    ]);
    expect((fig.data[0].text as string[][])[0]).toEqual(["30<br>75.0 %", "10<br>25.0 %"]);
    expect(() => confusionFigure(["a"], ["a", "b"], [[1]], { title: "c" })).toThrow(
      "confusion: row 0 (a) has 1 counts for 2 predicted labels",
    );
  });
});

describe("htmlTable", () => {
  it("escapes cells and refuses a row of the wrong length", () => {
    expect(htmlTable(["a<b"], [["x & y"]], { id: "t", caption: "c" })).toBe(
      '<table id="t" class="wsp-table"><caption>c</caption><thead><tr><th>a&lt;b</th></tr></thead><tbody><tr><td>x &amp; y</td></tr></tbody></table>',
    );
    expect(() => htmlTable(["a", "b"], [["1"]], { id: "t" })).toThrow("table t: row 0 has 1 cells for 2 columns");
  });
});
