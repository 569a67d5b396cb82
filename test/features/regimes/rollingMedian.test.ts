import { describe, expect, it } from "vitest";
import { loadBundled } from "../../../src/data";
import { RollingMedianStream, rollingMedian } from "../../../src/features/regimes";

describe("rollingMedian", () => {
  it("equals the sorted-window median on real SPY closes (odd and even windows)", () => {
    const close = loadBundled("SPY").close.subarray(0, 1500);
    for (const w of [5, 252]) {
      const out = rollingMedian(close, w);
      for (let i = 0; i < close.length; i++) {
        if (i < w - 1) {
          expect(Number.isNaN(out[i])).toBe(true);
          continue;
        }
        const s = Array.from(close.subarray(i - w + 1, i + 1)).sort((a, b) => a - b);
        const want = w % 2 ? s[(w - 1) / 2] : (s[w / 2 - 1] + s[w / 2]) / 2;
        if (out[i] !== want) throw new Error(`w=${w} index ${i}: ${out[i]} vs ${want}`);
      }
    }
  });

  it("is NaN for windows holding a NaN", () => {
    const out = rollingMedian(Float64Array.of(1, 2, Number.NaN, 4, 5, 6), 2);
    expect(Array.from(out)).toEqual([Number.NaN, 1.5, Number.NaN, Number.NaN, 4.5, 5.5]);
  });

  it("rejects a bad window", () => {
    expect(() => rollingMedian(new Float64Array(3), 0)).toThrow(/window/);
  });

  it("its stream gives the batch's values, NaN windows included", () => {
    const values = Float64Array.from({ length: 400 }, (_, i) =>
      i % 37 === 5 ? Number.NaN : Math.round(Math.sin(i) * 20),
    );
    for (const w of [1, 2, 7, 50]) {
      const stream = new RollingMedianStream(w);
      const streamed = Float64Array.from(values, (x) => stream.next(x));
      expect(streamed).toEqual(rollingMedian(values, w));
    }
  });
});
