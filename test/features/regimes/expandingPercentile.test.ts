import { describe, expect, it } from "vitest";
import { loadBundled } from "../../../src/data";
import { ExpandingPercentileStream, expandingPercentile } from "../../../src/features/regimes";

describe("expandingPercentile", () => {
  it("equals a direct count over the history (ties averaged), on the real VIX", () => {
    // VIX closes repeat (two decimals), so ties are exercised.
    const vix = loadBundled("VIX").close.subarray(0, 3000);
    const out = expandingPercentile(vix, 5);
    for (let i = 0; i < vix.length; i++) {
      if (i < 4) {
        expect(Number.isNaN(out[i])).toBe(true);
        continue;
      }
      let below = 0;
      let equal = 0;
      for (let k = 0; k <= i; k++) {
        if (vix[k] < vix[i]) below++;
        else if (vix[k] === vix[i]) equal++;
      }
      const want = (below + (equal + 1) / 2) / (i + 1);
      if (Math.abs(out[i] - want) > 1e-12) throw new Error(`index ${i}: ${out[i]} vs ${want}`);
    }
  });

  it("skips NaNs: no rank for them, and they do not count", () => {
    const out = expandingPercentile(Float64Array.of(1, Number.NaN, 3, 2));
    expect(out[0]).toBe(1);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[2]).toBe(1);
    expect(out[3]).toBeCloseTo(2 / 3, 12);
  });

  it("its stream gives the batch's values (ties, NaN, the minimum history)", () => {
    const vix = Float64Array.from(loadBundled("VIX").close.subarray(0, 1500));
    vix[10] = Number.NaN;
    const stream = new ExpandingPercentileStream(20);
    expect(Float64Array.from(vix, (x) => stream.next(x))).toEqual(expandingPercentile(vix, 20));
  });
});
