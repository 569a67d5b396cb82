import { describe, expect, it } from "vitest";
import {
  averageUniqueness,
  classWeights,
  combinedWeights,
  fixedHorizonLabels,
  labelConcurrency,
  rollingVolatility,
  tripleBarrierLabels,
} from "../../src/labels";
import { loadDaily } from "./realBars";

const eq = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe("average uniqueness (AFML ch. 4) on real SPY triple-barrier labels", () => {
  const spy = loadDaily("SPY");
  const vol = rollingVolatility(spy.close, 20);
  const l = tripleBarrierLabels(spy, {
    horizon: 10,
    barriers: { scale: "volatility", volatility: vol, upper: 2, lower: 2 },
  });
  const n = spy.ts.length;

  it("equals the brute-force mean of 1/concurrency over each label's window", () => {
    const c = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(l.y[i])) continue;
      for (let b = l.startIdx[i]; b <= l.endIdx[i]; b++) c[b]++;
    }
    expect(Array.from(labelConcurrency(l))).toEqual(Array.from(c));
    const raw = averageUniqueness(l, false);
    let bad = 0;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(l.y[i])) {
        if (!Number.isNaN(raw[i])) bad++;
        continue;
      }
      let s = 0;
      for (let b = l.startIdx[i]; b <= l.endIdx[i]; b++) s += 1 / c[b];
      if (!eq(raw[i], s / (l.endIdx[i] - l.startIdx[i] + 1))) bad++;
      if (!(raw[i] > 0 && raw[i] <= 1)) bad++;
    }
    expect(bad).toBe(0);
    const norm = averageUniqueness(l);
    let sum = 0;
    let cnt = 0;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(norm[i])) continue;
      sum += norm[i];
      cnt++;
    }
    expect(eq(sum / cnt, 1)).toBe(true);
  });

  it("fixed-horizon labels away from the edges all have the same uniqueness", () => {
    const h = 4;
    const f = fixedHorizonLabels(spy.ts, spy.close, { horizon: h, classes: 2 });
    const u = averageUniqueness(f, false);
    // Interior bars are covered by h+1 windows, so every interior label has uniqueness 1/(h+1).
    expect(eq(u[100], 1 / (h + 1))).toBe(true);
    expect(eq(u[5000], 1 / (h + 1))).toBe(true);
    // The first label shares its first bar with nobody: it is more unique.
    expect(u[0]).toBeGreaterThan(u[100]);
  });
});

describe("class weights", () => {
  const spy = loadDaily("SPY");
  const l = fixedHorizonLabels(spy.ts, spy.close, { horizon: 10, classes: 3, threshold: 0.02 });

  it("balanced weights: total / (K · count_k), so every class carries the same total weight", () => {
    const w = classWeights(l.y, 3);
    const counts = [0, 0, 0];
    for (const k of l.y) if (!Number.isNaN(k)) counts[k]++;
    const total = counts[0] + counts[1] + counts[2];
    for (let k = 0; k < 3; k++) expect(eq(w[k], total / (3 * counts[k]))).toBe(true);
    const per = combinedWeights(l.y, w);
    const sums = [0, 0, 0];
    for (let i = 0; i < l.y.length; i++) if (!Number.isNaN(l.y[i])) sums[l.y[i]] += per[i];
    expect(eq(sums[0], sums[1]) && eq(sums[1], sums[2])).toBe(true);
  });

  it("with sample weights the class totals are weighted sums", () => {
    const u = averageUniqueness(l);
    const w = classWeights(l.y, 3, u);
    const per = combinedWeights(l.y, w, u);
    const sums = [0, 0, 0];
    for (let i = 0; i < l.y.length; i++) if (!Number.isNaN(l.y[i])) sums[l.y[i]] += per[i];
    expect(eq(sums[0], sums[2]) && eq(sums[1], sums[2])).toBe(true);
  });

  it("rejects codes outside the classes, naming the row", () => {
    expect(() => classWeights(l.y, 2)).toThrow(/classWeights: y\[\d+\] = 2 is not a class code in \[0, 1\]/);
  });
});
