import { describe, expect, it } from "vitest";
import { fixedHorizonLabels, labelCount, rollingVolatility } from "../../src/labels";
import { loadDaily, loadSpy1m } from "./realBars";

describe("fixedHorizonLabels on real SPY", () => {
  const spy = loadDaily("SPY");
  const n = spy.ts.length;

  it("binary direction: UP iff close[t+h] > close[t], with start/end index and time", () => {
    const h = 5;
    const l = fixedHorizonLabels(spy.ts, spy.close, { horizon: h, classes: 2 });
    expect(l.classes).toEqual(["DOWN", "UP"]);
    expect(labelCount(l)).toBe(n - h);
    let ups = 0;
    for (let t = 0; t < n - h; t++) {
      expect(l.y[t]).toBe(spy.close[t + h] > spy.close[t] ? 1 : 0);
      expect(l.startIdx[t]).toBe(t);
      expect(l.endIdx[t]).toBe(t + h);
      expect(l.startTime[t]).toBe(spy.ts[t]);
      expect(l.endTime[t]).toBe(spy.ts[t + h]);
      ups += l.y[t];
    }
    // SPY rose over most 5-day windows since 1993, but far from all.
    expect(ups / (n - h)).toBeGreaterThan(0.5);
    expect(ups / (n - h)).toBeLessThan(0.65);
  });

  it("labels whose horizon runs past the data are absent, not truncated", () => {
    const h = 10;
    const l = fixedHorizonLabels(spy.ts, spy.close, { horizon: h, classes: 2 });
    for (let t = n - h; t < n; t++) {
      expect(Number.isNaN(l.y[t])).toBe(true);
      expect(Number.isNaN(l.endTime[t])).toBe(true);
      expect(l.endIdx[t]).toBe(-1);
    }
    expect(Number.isNaN(l.y[n - h - 1])).toBe(false);
  });

  it("3 classes with an absolute threshold", () => {
    const l = fixedHorizonLabels(spy.ts, spy.close, { horizon: 10, classes: 3, threshold: 0.02 });
    expect(l.classes).toEqual(["BEARISH", "NEUTRAL", "BULLISH"]);
    const counts = [0, 0, 0];
    for (let t = 0; t < n - 10; t++) {
      const r = spy.close[t + 10] / spy.close[t] - 1;
      expect(l.y[t]).toBe(r > 0.02 ? 2 : r < -0.02 ? 0 : 1);
      counts[l.y[t]]++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(500);
  });

  it("3 classes with a volatility-scaled threshold; warm-up rows are absent", () => {
    const vol = rollingVolatility(spy.close, 20);
    const l = fixedHorizonLabels(spy.ts, spy.close, { horizon: 5, classes: 3, threshold: 0.5, volatility: vol });
    for (let t = 0; t < 20; t++) expect(Number.isNaN(l.y[t])).toBe(true);
    for (let t = 20; t < n - 5; t++) {
      const r = spy.close[t + 5] / spy.close[t] - 1;
      const thr = 0.5 * vol[t] * Math.sqrt(5);
      expect(l.y[t]).toBe(r > thr ? 2 : r < -thr ? 0 : 1);
    }
  });

  it("works on SPY 1-minute bars", () => {
    const m = loadSpy1m();
    const l = fixedHorizonLabels(m.ts, m.close, { horizon: 15, classes: 2 });
    expect(labelCount(l)).toBe(m.ts.length - 15);
    expect(l.endTime[100] - l.startTime[100]).toBe(15 * 60_000);
  });

  it("rejects a horizon not shorter than the data, naming the parameter", () => {
    const short = spy.ts.subarray(0, 30);
    expect(() => fixedHorizonLabels(short, spy.close.subarray(0, 30), { horizon: 30, classes: 2 })).toThrow(
      /fixedHorizonLabels: horizon 30 bars is not shorter than the data \(30 bars\)/,
    );
    expect(() => fixedHorizonLabels(spy.ts, spy.close, { horizon: 2.5, classes: 2 })).toThrow(
      /horizon must be an integer/,
    );
    expect(() => fixedHorizonLabels(spy.ts, spy.close.subarray(1), { horizon: 2, classes: 2 })).toThrow(
      /close has length/,
    );
  });
});

describe("rollingVolatility", () => {
  it("equals the sample std of the last `window` log returns", () => {
    const spy = loadDaily("SPY");
    const v = rollingVolatility(spy.close, 20);
    for (const t of [20, 500, 4000, spy.ts.length - 1]) {
      const r: number[] = [];
      for (let j = t - 19; j <= t; j++) r.push(Math.log(spy.close[j] / spy.close[j - 1]));
      const m = r.reduce((a, b) => a + b, 0) / 20;
      const sd = Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / 19);
      expect(Math.abs(v[t] - sd)).toBeLessThanOrEqual(1e-9 * Math.max(1, sd));
    }
    expect(Number.isNaN(v[19])).toBe(true);
  });
});
