import { describe, expect, it } from "vitest";
import { applyBins, binCounts, binOf, fitBinCuts, thresholdOf } from "../../src/models/binning";
import { buildHist, partitionRows, subtractHist } from "../../src/models/kernel";
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

  it("histogram subtraction (parent − smaller child) equals building the larger child", () => {
    const gh = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      gh[2 * i] = spy.bigMove[i] - 0.4;
      gh[2 * i + 1] = 0.24 + (i % 7) * 0.001;
    }
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const feats = Int32Array.from({ length: F }, (_, f) => f);
    const slot = F * 512;
    const hist = new Float64Array(3 * slot);
    buildHist(bins, F, gh, rows, 0, n, feats, 0, F, hist, 0);
    const col = new Uint8Array(n * F);
    for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) col[f * n + i] = bins[i * F + f];
    const mid = partitionRows(col, 1, 5 * n, rows, 0, n, 100, 0, new Int32Array(n));
    let bad = 0;
    for (let i = 1; i < n; i++) if (i !== mid && rows[i] <= rows[i - 1]) bad++;
    for (let i = 0; i < n; i++) if (bins[rows[i] * F + 5] <= 100 !== i < mid) bad++;
    expect(bad).toBe(0);
    expect(mid).toBeGreaterThan(0);
    expect(mid).toBeLessThan(n);
    buildHist(bins, F, gh, rows, 0, mid, feats, 0, F, hist, slot);
    buildHist(bins, F, gh, rows, mid, n, feats, 0, F, hist, 2 * slot);
    subtractHist(hist, 0, slot, feats, 0, F);
    let off = 0;
    for (let j = 0; j < slot; j++)
      if (Math.abs(hist[j] - hist[2 * slot + j]) > 1e-9 * Math.max(1, Math.abs(hist[2 * slot + j]))) off++;
    expect(off).toBe(0);
    // A feature-range build (what one worker thread does) matches the full build on its range.
    const part = new Float64Array(slot);
    buildHist(bins, F, gh, rows, mid, n, feats, 3, 7, part, 0);
    expect(part.subarray(3 * 512, 7 * 512)).toEqual(hist.subarray(2 * slot + 3 * 512, 2 * slot + 7 * 512));
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
