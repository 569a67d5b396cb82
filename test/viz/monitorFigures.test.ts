/** The figures the monitoring page adds to viz: heat map, table, level lines, a page of panels. */
import { describe, expect, it } from "vitest";
import { heatmapFigure, lineFigure, panelPageHtml, tableFigure } from "../../src/viz";

describe("monitoring figures", () => {
  it("heat map: NaN cells are gaps, sizes are checked", () => {
    const f = heatmapFigure(["c1", "c2"], ["a", "b"], [Float64Array.of(0.1, Number.NaN), [0.3, 0.4]], { zmax: 0.4 });
    expect(f.data[0]).toMatchObject({
      type: "heatmap",
      x: ["c1", "c2"],
      y: ["a", "b"],
      z: [
        [0.1, null],
        [0.3, 0.4],
      ],
    });
    expect(f.data[0].zmax).toBe(0.4);
    expect(() => heatmapFigure(["c1"], ["a", "b"], [[1]])).toThrow("heatmap: 1 rows of values for 2 row names");
    expect(() => heatmapFigure(["c1"], ["a"], [[1, 2]])).toThrow("heatmap: row 0 (a) has 2 values for 1 columns");
  });

  it("table: rows become plotly's columns", () => {
    const f = tableFigure(
      ["x", "y"],
      [
        ["1", "2"],
        ["3", "4"],
      ],
    );
    expect((f.data[0].cells as { values: string[][] }).values).toEqual([
      ["1", "3"],
      ["2", "4"],
    ]);
    expect(() => tableFigure(["x", "y"], [["1"]])).toThrow("table: row 0 has 1 cells for 2 columns");
  });

  it("line levels span the first series, dashed", () => {
    const ts = [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 4)];
    const f = lineFigure([{ name: "acc", ts, values: [0.5, 0.6, 0.55] }], { levels: [{ name: "base", value: 0.6 }] });
    expect(f.data).toHaveLength(2);
    expect(f.data[1]).toMatchObject({ name: "base", x: ["2024-01-02", "2024-01-04"], y: [0.6, 0.6] });
    expect(lineFigure([], { levels: [{ name: "base", value: 0.6 }] }).data).toEqual([]);
  });

  it("page: ids on the panels' elements, text escaped, ids unique", () => {
    const html = panelPageHtml(
      "T <1>",
      [
        { id: "p-fig", heading: "fig", figure: tableFigure(["x"], [["1"]]) },
        { id: "p-note", heading: "note", note: "none <yet>" },
        { id: "p-link", heading: "link", link: { href: "http://h/?a=1&b=2", text: "go" } },
      ],
      "sub",
    );
    expect(html).toContain('<div id="p-fig" class="wsp-figure">');
    expect(html).toContain('<p id="p-note" class="wsp-note">none &lt;yet&gt;</p>');
    expect(html).toContain('<a id="p-link" href="http://h/?a=1&amp;b=2">go</a>');
    expect(html).toContain("<title>T &lt;1&gt;</title>");
    expect(() =>
      panelPageHtml("t", [
        { id: "x", heading: "a", note: "" },
        { id: "x", heading: "b", note: "" },
      ]),
    ).toThrow("panelPageHtml: two panels have the id x");
  });
});
