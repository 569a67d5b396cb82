import { beforeAll, describe, expect, it } from "vitest";
import { type Bars, dayMsOf, loadBundled } from "../../src/data";
import type { FeatureFrame } from "../../src/features/featureFrame";
import { logReturns, sma } from "../../src/features/indicators";
import { formatQualityReport, QUALITY_QUANTILES, qualityReport } from "../../src/features/quality";

let spy: Bars;
let frame: FeatureFrame;
let vixMissing: number;

beforeAll(() => {
  spy = loadBundled("SPY");
  const vix = loadBundled("VIX");
  // VIX on SPY's sessions, NaN where VIX has no row (3 sessions in the 1990s, and after 2026-07-23).
  const vixOnSpy = new Float64Array(spy.ts.length).fill(Number.NaN);
  const at = new Map<number, number>();
  for (let i = 0; i < vix.ts.length; i++) at.set(vix.ts[i], vix.close[i]);
  vixMissing = 0;
  spy.ts.forEach((t, i) => {
    const v = at.get(t);
    if (v === undefined) vixMissing++;
    else vixOnSpy[i] = v;
  });
  const negated = spy.close.map((c) => -2 * c + 5);
  frame = {
    names: ["close", "sma_20", "sma_21", "ret_1", "vix", "one", "neg_close"],
    columns: [
      spy.close,
      sma(spy.close, 20),
      sma(spy.close, 21),
      logReturns(spy.close),
      vixOnSpy,
      new Float64Array(spy.ts.length).fill(1),
      negated,
    ],
    ts: spy.ts,
  };
});

describe("qualityReport", () => {
  it("counts warm-up as leading NaNs and the missing share after it", () => {
    const r = qualityReport(frame);
    const by = (n: string) => r.features.find((f) => f.name === n)!;
    expect(by("close").warmup).toBe(0);
    expect(by("sma_20").warmup).toBe(19);
    expect(by("sma_20").missingAfterWarmup).toBe(0);
    expect(by("ret_1").warmup).toBe(1);
    expect(by("vix").warmup).toBe(0);
    expect(vixMissing).toBe(3 + spy.ts.length - 1 - spy.ts.indexOf(dayMsOf("2026-07-23")));
    expect(by("vix").missingAfterWarmup).toBe(vixMissing);
    expect(by("vix").missingShare).toBe(vixMissing / spy.ts.length);
    expect(r.features.filter((f) => f.missingAfterWarmup > 0).map((f) => f.name)).toEqual(["vix"]);
  });

  it("summarises each feature as pandas describe() would (sample std, linear quantiles)", () => {
    const r = qualityReport(frame);
    const f = r.features[3];
    const v = Array.from(frame.columns[3])
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
    expect(f.count).toBe(spy.ts.length - 1);
    expect(Math.abs(f.mean - mean)).toBeLessThan(1e-15);
    expect(Math.abs(f.std - std) / std).toBeLessThan(1e-12);
    expect(f.min).toBe(v[0]);
    expect(f.max).toBe(v[v.length - 1]);
    QUALITY_QUANTILES.forEach((q, k) => {
      const h = (v.length - 1) * q;
      const want = v[Math.floor(h)] + (h - Math.floor(h)) * (v[Math.ceil(h)] - v[Math.floor(h)]);
      expect(Math.abs(f.quantiles[k] - want)).toBeLessThan(1e-15);
    });
    expect(f.quantiles[0]).toBeLessThan(0);
    expect(f.quantiles[6]).toBeGreaterThan(0);
  });

  it("flags constant columns and clusters |r| > 0.95 transitively, negative correlations included", () => {
    const r = qualityReport(frame);
    expect(r.constantColumns).toEqual(["one"]);
    expect(r.clusters.length).toBe(1);
    expect(r.clusters[0].names).toEqual(["close", "sma_20", "sma_21", "neg_close"]);
    // close vs −2·close + 5 is exactly −1.
    expect(Math.abs(r.clusters[0].maxAbsCorrelation - 1)).toBeLessThan(1e-12);
    const strict = qualityReport(
      { ...frame, names: frame.names.slice(0, 3), columns: frame.columns.slice(0, 3) },
      { threshold: 0.99999 },
    );
    expect(strict.clusters.map((c) => c.names)).toEqual([["sma_20", "sma_21"]]);
  });

  it("reports r as a direct two-pass Pearson over the common finite rows, with or without gaps", () => {
    const direct = (a: Float64Array, b: Float64Array) => {
      const idx = [...a.keys()].filter((i) => Number.isFinite(a[i]) && Number.isFinite(b[i]));
      const ma = idx.reduce((s, i) => s + a[i], 0) / idx.length;
      const mb = idx.reduce((s, i) => s + b[i], 0) / idx.length;
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (const i of idx) {
        ab += (a[i] - ma) * (b[i] - mb);
        aa += (a[i] - ma) ** 2;
        bb += (b[i] - mb) ** 2;
      }
      return ab / Math.sqrt(aa * bb);
    };
    // RSI-like bounded series from real data: r well below 1, so the digits matter.
    const a = sma(logReturns(spy.close), 20);
    const b = sma(logReturns(spy.close), 60);
    const gappy = Float64Array.from(b);
    for (let i = 500; i < 600; i++) gappy[i] = Number.NaN;
    for (const second of [b, gappy]) {
      const r = qualityReport({ ts: spy.ts, names: ["a", "b"], columns: [a, second] }, { threshold: 0.01 });
      const want = Math.abs(direct(a, second));
      expect(want).toBeLessThan(0.9);
      expect(Math.abs(r.clusters[0].maxAbsCorrelation - want)).toBeLessThan(1e-12);
    }
  });

  it("strides rows for the correlations when asked to cap them", () => {
    const r = qualityReport(frame, { maxCorrelationRows: 1000 });
    const stride = Math.ceil(spy.ts.length / 1000);
    expect(r.stride).toBe(stride);
    expect(r.correlationRows).toBe(Math.ceil(spy.ts.length / stride));
    expect(r.clusters[0].names).toEqual(["close", "sma_20", "sma_21", "neg_close"]);
  });

  it("rejects mismatched names, columns and ts, and bad options", () => {
    expect(() => qualityReport({ ...frame, names: ["a"] })).toThrow(/1 names but 7 columns/);
    expect(() => qualityReport({ ...frame, ts: spy.ts.subarray(1) })).toThrow(
      /column close \(index 0\) has 8448 rows, ts has 8447/,
    );
    expect(() => qualityReport(frame, { threshold: 1 })).toThrow(/threshold/);
    expect(() => qualityReport(frame, { maxCorrelationRows: 2 })).toThrow(/maxCorrelationRows/);
  });
});

describe("formatQualityReport", () => {
  it("prints the headline, constant columns, clusters and one line per feature", () => {
    const text = formatQualityReport(qualityReport(frame));
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "7 features × 8448 rows; 1 constant, 1 clusters with |r| > 0.95, 1 with missing values after warm-up",
    );
    expect(text).toContain("constant columns: one");
    expect(text).toMatch(/max \|r\| 1\.0000: close, sma_20, sma_21, neg_close/);
    const vixLine = lines.find((l) => l.startsWith("vix "))!;
    expect(vixLine.trim().split(/\s+/).slice(1, 3)).toEqual(["0", ((100 * vixMissing) / 8448).toFixed(2)]);
    expect(lines.filter((l) => /^(close|sma_20|sma_21|ret_1|vix|one|neg_close) /.test(l)).length).toBe(7);
  });
});
