import { describe, expect, it } from "vitest";
import { applyBins, binCounts, binOf, fitBinCuts, thresholdOf } from "../../src/models/binning";
import { featureMatrix, fromColumns, sliceRows, takeRows } from "../../src/models/matrix";
import { spyFeatures } from "./spyFeatures";

const spy = spyFeatures();
const X = spy.X;
const F = X.names.length;
const n = X.nRows;

describe("quantile binning on SPY features", () => {
  const cuts = fitBinCuts(X, 255);
  const bins = applyBins(X, cuts, false);
  it("at most 255 bins per feature, roughly equal-frequency, and bin ≤ b ⇔ x ≤ threshold(b)", () => {
    const nb = binCounts(cuts);
    for (let f = 0; f < F; f++) {
      expect(nb[f]).toBeLessThanOrEqual(255);
      expect(nb[f]).toBeGreaterThan(200);
      const counts = new Int32Array(256);
      for (let i = 0; i < n; i++) counts[bins[i * F + f]]++;
      // Equal frequency but for mass points (e.g. unchanged closes: ret_1 = 0 exactly).
      const sorted = Int32Array.from(counts.subarray(0, nb[f])).sort();
      expect(sorted[sorted.length >> 1]).toBeLessThan((2 * n) / nb[f]);
      let mismatches = 0;
      for (const b of [0, 17, nb[f] - 2, nb[f] - 1]) {
        const t = thresholdOf(cuts[f], b);
        for (let i = 0; i < n; i++) if (bins[i * F + f] <= b !== X.data[f * n + i] <= t) mismatches++;
      }
      expect(mismatches).toBe(0);
    }
  });

  it("few distinct values get one bin each; non-finite values go to bin 255", () => {
    const m = fromColumns(["a"], [Float64Array.from([3, 1, 2, 2, Number.NaN, 1, Number.POSITIVE_INFINITY])]);
    const c = fitBinCuts(m, 255);
    expect([...c[0]]).toEqual([1.5, 2.5]);
    expect([...applyBins(m, c, false)]).toEqual([2, 0, 1, 1, 255, 0, 255]);
    expect(binOf(c[0], -1e300)).toBe(0);
    expect(() => fitBinCuts(m, 256)).toThrow(/max_bins must be an integer in 2..255, got 256/);
  });
});

describe("feature matrix", () => {
  it("validates shape and names, slices and takes rows", () => {
    expect(() => featureMatrix(["a", "b"], 3, new Float64Array(5))).toThrow(
      /5 values, expected 2 features × 3 rows = 6/,
    );
    expect(() => featureMatrix(["a", "a"], 1, new Float64Array(2))).toThrow(/duplicate feature name "a"/);
    expect(() => fromColumns(["a", "b"], [new Float64Array(2), new Float64Array(3)])).toThrow(
      /column "b" has 3 rows, expected 2/,
    );
    const m = fromColumns(["a", "b"], [Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6])]);
    expect([...sliceRows(m, 1, 3).data]).toEqual([2, 3, 5, 6]);
    expect([...takeRows(m, [2, 0]).data]).toEqual([3, 1, 6, 4]);
    expect(() => takeRows(m, [3])).toThrow(/row 3 at position 0 outside 0..2/);
  });
});
