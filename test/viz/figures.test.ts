/** Figure builders on the real bundled bars: shapes, axes, and JSON that plotly can take as is. */
import { describe, expect, it } from "vitest";
import { type Bars, isoDate, loadBundled, sliceBars } from "../../src/data/index";
import { barFigure, candlestickFigure, equityFigure, lineFigure, plainNumbers, timeLabels } from "../../src/viz/index";

const spy = loadBundled("SPY", "1d");
const last = (b: Bars, n: number): Bars => sliceBars(b, b.ts.length - n);

describe("candlestickFigure", () => {
  it("draws SPY daily as candles over a volume panel on one time axis", () => {
    const bars = last(spy, 250);
    const fig = candlestickFigure(bars);
    expect(fig.data.map((t) => [t.type, t.yaxis])).toEqual([
      ["candlestick", "y"],
      ["bar", "y2"],
    ]);
    const [candles, volume] = fig.data;
    expect(candles.x).toHaveLength(250);
    expect(candles.x?.[0]).toBe(isoDate(bars.ts[0]));
    expect((candles.close as number[])[249]).toBe(bars.close[249]);
    expect(volume.y?.[10]).toBe(bars.volume?.[10]);
    const colors = (volume.marker as { color: string[] }).color;
    expect(colors[5]).toBe(bars.close[5] >= bars.open[5] ? "#26a69a" : "#ef5350");
    expect(fig.layout.yaxis).toMatchObject({ domain: [0.3, 1] });
    expect(fig.layout.title).toEqual({ text: "SPY 1d" });
    // Typed arrays would serialise as {"0":…}; plotly needs arrays.
    expect(JSON.stringify(fig)).not.toMatch(/\{"0":/);
  });

  it("gives VIX (no volume) the whole height and no volume trace", () => {
    const fig = candlestickFigure(last(loadBundled("VIX", "1d"), 50));
    expect(fig.data).toHaveLength(1);
    expect(fig.layout.yaxis).toMatchObject({ domain: [0, 1] });
    expect(fig.layout.yaxis2).toBeUndefined();
  });

  it("labels SPY 1-minute bars in New York time and skips the closed hours", () => {
    const m1 = loadBundled("SPY", "1m");
    const fig = candlestickFigure(sliceBars(m1, 0, 390));
    const x = fig.data[0].x as string[];
    expect(x[0]).toMatch(/^\d{4}-\d{2}-\d{2} 09:30:00$/);
    expect(x[1]).toMatch(/ 09:31:00$/);
    expect((fig.layout.xaxis as { rangebreaks: unknown[] }).rangebreaks).toContainEqual({
      bounds: [16, 9.5],
      pattern: "hour",
    });
  });
});

describe("line, equity and bar figures", () => {
  it("turns NaN gaps into nulls plotly skips", () => {
    expect(plainNumbers(new Float64Array([1, Number.NaN, 3, Number.POSITIVE_INFINITY]))).toEqual([1, null, 3, null]);
  });

  it("plots lines over the bars' time axis and names a series whose lengths differ", () => {
    const bars = last(spy, 100);
    const fig = lineFigure([{ name: "close", ts: bars.ts, values: bars.close }], { title: "SPY close", yTitle: "$" });
    expect(fig.data[0]).toMatchObject({ type: "scatter", mode: "lines", name: "close" });
    expect(fig.data[0].x).toEqual(timeLabels(bars.ts, "1d"));
    expect(() => lineFigure([{ name: "short", ts: bars.ts, values: bars.close.subarray(1) }])).toThrow(
      /series\[0\] \(short\): ts has 100 points but values has 99/,
    );
  });

  it("rebases equity and its benchmark to 1", () => {
    const bars = last(spy, 60);
    const equity = bars.close.map((c) => c * 2);
    const fig = equityFigure(bars.ts, equity, { benchmark: { name: "SPY", values: bars.close }, logY: true });
    expect(fig.data.map((t) => t.name)).toEqual(["strategy", "SPY"]);
    expect(fig.data[0].y?.[0]).toBe(1);
    const a = fig.data[0].y?.[59] as number;
    const b = bars.close[59] / bars.close[0];
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
    expect(fig.layout.yaxis).toMatchObject({ type: "log" });
  });

  it("draws horizontal bars for long category names", () => {
    const fig = barFigure(["rsi_14", "atr_14 / close"], [{ name: "importance", values: [0.4, 0.6] }], {
      horizontal: true,
    });
    expect(fig.data[0]).toMatchObject({ orientation: "h", x: [0.4, 0.6], y: ["rsi_14", "atr_14 / close"] });
    expect(() => barFigure(["a"], [{ name: "x", values: [1, 2] }])).toThrow(
      /series\[0\] \(x\): 2 values for 1 categories/,
    );
  });
});
