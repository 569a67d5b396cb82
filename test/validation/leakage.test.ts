import { describe, expect, it } from "vitest";
import { rocAuc } from "../../src/validation";
import { fixedHorizonLabels } from "../../src/labels";
import {
  aucNullStd,
  CANARY_NAME,
  canaryCheck,
  purgedKFold,
  shuffleLabels,
  univariateAucScreen,
  walkForward,
} from "../../src/validation";
import { loadDaily, loadSpy1m } from "../labels/realBars";
import { simpleFeatures } from "../labels/realFeatures";

describe("leakage tools on real SPY daily features", () => {
  const spy = loadDaily("SPY");
  const labels = fixedHorizonLabels(spy.ts, spy.close, { horizon: 5, classes: 2 });
  const features = simpleFeatures(spy.close);
  const plan = walkForward(labels, { train: "P5Y", test: "P1Y", embargo: 5, finalHoldout: "P2Y" });

  it("the canary (the label's own future return) is flagged; honest features are not", () => {
    const { report, canaryFlagged } = canaryCheck(features, labels, plan);
    expect(canaryFlagged).toBe(true);
    expect(report.flagged).toEqual([CANARY_NAME]);
    expect(report.messages[0]).toMatch(
      /^suspected leakage: feature __canary_future_return has out-of-sample AUC 1\.000 \(z = \d+\.\d\) > 0\.6 over walk_forward folds 1998-\d\d-\d\d\.\.2024-\d\d-\d\d$/,
    );
    for (const f of report.features.filter((s) => s.name !== CANARY_NAME)) {
      expect(f.meanAuc).toBeLessThan(0.6);
      expect(f.flagged).toBe(false);
    }
  });

  it("a partial leak (next-day return inside a 5-day label) is flagged too", () => {
    const next = new Float64Array(spy.ts.length).fill(Number.NaN);
    for (let t = 0; t + 1 < spy.ts.length; t++) next[t] = spy.close[t + 1] / spy.close[t] - 1;
    const report = univariateAucScreen([...features, { name: "next_day_return", values: next }], labels.y, plan);
    expect(report.flagged).toEqual(["next_day_return"]);
    const s = report.features.find((f) => f.name === "next_day_return")!;
    expect(s.meanAuc).toBeGreaterThan(0.65);
    expect(s.z).toBeGreaterThan(10);
  });

  it("the sign is fitted on the training fold: a negated leak is still flagged", () => {
    const neg = Float64Array.from(labels.ret, (v) => -v);
    const report = univariateAucScreen([{ name: "negated_future_return", values: neg }], labels.y, plan);
    expect(report.features[0].meanAuc).toBeGreaterThan(0.99);
  });

  it("null check: shuffled labels give AUC ≈ 0.5 within 4 null standard deviations of the sample size", () => {
    const kfold = purgedKFold(labels, { folds: 5, embargo: 5 });
    for (const seed of [1, 2, 3]) {
      const shuffled = shuffleLabels(labels.y, seed);
      const report = univariateAucScreen(features, shuffled, kfold);
      expect(report.flagged).toEqual([]);
      for (const f of report.features) {
        expect(Math.abs(f.meanAuc - 0.5)).toBeLessThan(4 * f.nullStd);
      }
      // A shuffled control of the canary itself also drops to chance.
      const canary = univariateAucScreen([{ name: "ret", values: labels.ret }], shuffled, kfold).features[0];
      expect(Math.abs(canary.meanAuc - 0.5)).toBeLessThan(4 * canary.nullStd);
    }
  });

  it("aucNullStd matches the spread of AUCs of real features against shuffled labels", () => {
    const rows: number[] = [];
    const vol = features[3].values;
    for (let i = 0; i < labels.y.length; i++) if (!Number.isNaN(labels.y[i]) && !Number.isNaN(vol[i])) rows.push(i);
    const x = Float64Array.from(rows, (r) => vol[r]);
    const y = Float64Array.from(rows, (r) => labels.y[r]);
    const aucs: number[] = [];
    for (let seed = 10; seed < 90; seed++) aucs.push(rocAuc(shuffleLabels(y, seed), x));
    const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length;
    const sd = Math.sqrt(aucs.reduce((a, b) => a + (b - mean) ** 2, 0) / (aucs.length - 1));
    let pos = 0;
    for (const v of y) pos += v;
    const theory = aucNullStd(pos, y.length - pos);
    // 80 draws estimate a standard deviation to within ~±16 % (2 standard errors).
    expect(sd / theory).toBeGreaterThan(0.7);
    expect(sd / theory).toBeLessThan(1.3);
    expect(Math.abs(mean - 0.5)).toBeLessThan((4 * theory) / Math.sqrt(aucs.length));
  });

  it("shuffleLabels is a seeded permutation that keeps absent rows in place", () => {
    const a = shuffleLabels(labels.y, 7);
    const b = shuffleLabels(labels.y, 7);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(shuffleLabels(labels.y, 8)));
    const n = labels.y.length;
    for (let t = n - 5; t < n; t++) expect(Number.isNaN(a[t])).toBe(true);
    const ones = (v: Float64Array) => v.reduce((s, x) => s + (x === 1 ? 1 : 0), 0);
    expect(ones(a)).toBe(ones(labels.y));
  });

  it("rejects a feature of the wrong length, naming it", () => {
    expect(() => univariateAucScreen([{ name: "short", values: new Float64Array(10) }], labels.y, plan)).toThrow(
      /feature short has 10 values, expected 8448/,
    );
  });
});

describe("leakage tools on real SPY 1-minute features", () => {
  const m = loadSpy1m();
  const labels = fixedHorizonLabels(m.ts, m.close, { horizon: 15, classes: 2 });
  const features = simpleFeatures(m.close);
  const plan = purgedKFold(labels, { folds: 5, embargo: 15 });

  it("the canary is flagged, honest features are not, shuffled labels sit at chance", () => {
    const { report, canaryFlagged } = canaryCheck(features, labels, plan);
    expect(canaryFlagged).toBe(true);
    expect(report.flagged).toEqual([CANARY_NAME]);
    const shuffled = univariateAucScreen(features, shuffleLabels(labels.y, 42), plan);
    for (const f of shuffled.features) expect(Math.abs(f.meanAuc - 0.5)).toBeLessThan(4 * f.nullStd);
  });
});
