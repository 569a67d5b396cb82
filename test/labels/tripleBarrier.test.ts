import { describe, expect, it } from "vitest";
import { labelCount, metaLabels, rollingVolatility, tripleBarrierLabels } from "../../src/labels";
import type { BarrierLabelSet } from "../../src/labels";
import type { Bars } from "../../src/data/bars";
import { loadDaily, loadSpy1m } from "./realBars";

/**
 * Checks every present label against the definition: the first touch, at the recorded bar, of
 * the recorded barrier. Mismatches are collected (one expect per row would dominate the run time).
 */
function checkBarrierLabels(
  bars: Bars,
  l: BarrierLabelSet,
  h: number,
  up: (t: number) => number,
  dn: (t: number) => number,
) {
  const n = bars.ts.length;
  const seen = [0, 0, 0];
  let bothHit = 0;
  const bad: string[] = [];
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(l.y[t])) continue;
    const e = l.endIdx[t];
    const uLevel = bars.close[t] * (1 + up(t));
    const dLevel = bars.close[t] * (1 - dn(t));
    if (t + h >= n || e <= t || e > t + h) bad.push(`row ${t}: end ${e} outside (t, t+h]`);
    for (let j = t + 1; j < e; j++) {
      if (bars.high[j] >= uLevel || bars.low[j] <= dLevel) bad.push(`row ${t}: earlier touch at ${j}`);
    }
    const b = l.barrier[t];
    seen[b + 1]++;
    const ok =
      b === 0
        ? e === t + h && bars.high[e] < uLevel && bars.low[e] > dLevel && l.y[t] === 1
        : b === 1
          ? bars.high[e] >= uLevel && bars.low[e] > dLevel && l.y[t] === 2 && l.ret[t] === up(t)
          : bars.low[e] <= dLevel && l.y[t] === 0 && l.ret[t] === -dn(t);
    if (!ok) bad.push(`row ${t}: barrier ${b} at ${e} does not match the bar`);
    if (b === -1 && bars.high[e] >= uLevel) bothHit++;
    if (l.endTime[t] !== bars.ts[e]) bad.push(`row ${t}: endTime`);
  }
  expect(bad.slice(0, 5)).toEqual([]);
  return { seen, bothHit };
}

describe("tripleBarrierLabels on real SPY", () => {
  const spy = loadDaily("SPY");
  const n = spy.ts.length;
  const vol = rollingVolatility(spy.close, 20);

  it("volatility-scaled barriers: first touch, its bar and its barrier; vertical barrier at the horizon", () => {
    const l = tripleBarrierLabels(spy, {
      horizon: 10,
      barriers: { scale: "volatility", volatility: vol, upper: 2, lower: 2 },
    });
    const { seen } = checkBarrierLabels(
      spy,
      l,
      10,
      (t) => 2 * vol[t],
      (t) => 2 * vol[t],
    );
    for (const c of seen) expect(c).toBeGreaterThan(300);
    expect(labelCount(l)).toBe(n - 10 - 20);
  });

  it("a daily bar that spans both barriers counts as the lower (worse) one", () => {
    // Tight fixed barriers make such bars common on real daily data.
    const l = tripleBarrierLabels(spy, { horizon: 5, barriers: { scale: "fixed", upper: 0.004, lower: 0.004 } });
    const { bothHit } = checkBarrierLabels(
      spy,
      l,
      5,
      () => 0.004,
      () => 0.004,
    );
    expect(bothHit).toBeGreaterThan(50);
  });

  it("fixed barriers per regime (+3 % bull / -2 % bear / 2 % neutral)", () => {
    // Regime from the 200-day average (closes <= t): 0 bull, 1 bear, 2 neutral (within 1 % of it).
    const regime = new Float64Array(n).fill(Number.NaN);
    let s = 0;
    for (let t = 0; t < n; t++) {
      s += spy.close[t];
      if (t >= 200) s -= spy.close[t - 200];
      if (t >= 199) {
        const d = spy.close[t] / (s / 200) - 1;
        regime[t] = Math.abs(d) < 0.01 ? 2 : d > 0 ? 0 : 1;
      }
    }
    const upper = [0.03, 0.02, 0.02];
    const lower = [0.02, 0.02, 0.02];
    const l = tripleBarrierLabels(spy, { horizon: 20, barriers: { scale: "regime", regime, upper, lower } });
    checkBarrierLabels(
      spy,
      l,
      20,
      (t) => upper[regime[t]],
      (t) => lower[regime[t]],
    );
    for (let t = 0; t < 199; t++) expect(Number.isNaN(l.y[t])).toBe(true);
    expect(labelCount(l)).toBe(n - 20 - 199);
  });

  it("binary output: barriers decide, vertical by the sign of the return", () => {
    const l = tripleBarrierLabels(spy, {
      horizon: 10,
      barriers: { scale: "volatility", volatility: vol, upper: 1.5, lower: 1 },
      output: "binary",
    });
    for (let t = 20; t < n - 10; t++) {
      const b = l.barrier[t];
      const want = b === 0 ? (spy.close[t + 10] > spy.close[t] ? 1 : 0) : b > 0 ? 1 : 0;
      expect(l.y[t]).toBe(want);
    }
  });

  it("works on SPY 1-minute bars", () => {
    const m = loadSpy1m();
    const v = rollingVolatility(m.close, 30);
    const l = tripleBarrierLabels(m, {
      horizon: 30,
      barriers: { scale: "volatility", volatility: v, upper: 3, lower: 3 },
    });
    const { seen } = checkBarrierLabels(
      m,
      l,
      30,
      (t) => 3 * v[t],
      (t) => 3 * v[t],
    );
    for (const c of seen) expect(c).toBeGreaterThan(1000);
  });

  it("rejects bad barriers and horizons, naming the parameter", () => {
    expect(() => tripleBarrierLabels(spy, { horizon: 5, barriers: { scale: "fixed", upper: 0, lower: 0.01 } })).toThrow(
      /barrier upper must be > 0/,
    );
    expect(() =>
      tripleBarrierLabels(spy, { horizon: n, barriers: { scale: "fixed", upper: 0.01, lower: 0.01 } }),
    ).toThrow(/horizon 8448 bars is not shorter than the data/);
    expect(() =>
      tripleBarrierLabels(spy, {
        horizon: 5,
        barriers: { scale: "volatility", volatility: vol.subarray(1), upper: 1, lower: 1 },
      }),
    ).toThrow(/barriers.volatility has length 8447, expected 8448/);
  });
});

describe("metaLabels on real SPY", () => {
  const spy = loadDaily("SPY");
  const n = spy.ts.length;
  const vol = rollingVolatility(spy.close, 20);
  // Primary signal: 20-day momentum, long when up, short when down; none in the warm-up.
  const side = new Float64Array(n).fill(Number.NaN);
  for (let t = 20; t < n; t++) side[t] = spy.close[t] > spy.close[t - 20] ? 1 : -1;

  it("TAKE iff the side-adjusted return at the first barrier is positive; short barriers are mirrored", () => {
    const l = metaLabels(spy, side, {
      horizon: 10,
      barriers: { scale: "volatility", volatility: vol, upper: 2, lower: 1 },
    });
    let shorts = 0;
    let takes = 0;
    for (let t = 0; t < n; t++) {
      if (Number.isNaN(side[t]) || t + 10 >= n) {
        expect(Number.isNaN(l.y[t])).toBe(true);
        continue;
      }
      const s = side[t];
      const c = spy.close[t];
      const e = l.endIdx[t];
      const profitLevel = s > 0 ? c * (1 + 2 * vol[t]) : c * (1 - 2 * vol[t]);
      const stopLevel = s > 0 ? c * (1 - vol[t]) : c * (1 + vol[t]);
      const profitHit = (j: number) => (s > 0 ? spy.high[j] >= profitLevel : spy.low[j] <= profitLevel);
      const stopHit = (j: number) => (s > 0 ? spy.low[j] <= stopLevel : spy.high[j] >= stopLevel);
      for (let j = t + 1; j < e; j++) expect(profitHit(j) || stopHit(j)).toBe(false);
      if (l.barrier[t] === 1) {
        expect(profitHit(e) && !stopHit(e)).toBe(true);
      } else if (l.barrier[t] === -1) {
        expect(stopHit(e)).toBe(true);
      } else {
        expect(e).toBe(t + 10);
        expect(l.ret[t]).toBeCloseTo(s * (spy.close[e] / c - 1), 12);
      }
      expect(l.y[t]).toBe(l.ret[t] > 0 ? 1 : 0);
      if (s < 0) shorts++;
      takes += l.y[t];
    }
    expect(shorts).toBeGreaterThan(1000);
    expect(takes).toBeGreaterThan(1000);
    expect(l.classes).toEqual(["SKIP", "TAKE"]);
  });

  it("rejects a side that is not +1/-1/0/NaN, naming the row", () => {
    const bad = Float64Array.from(side);
    bad[50] = 2;
    expect(() => metaLabels(spy, bad, { horizon: 5, barriers: { scale: "fixed", upper: 0.01, lower: 0.01 } })).toThrow(
      /metaLabels: side\[50\] must be \+1, -1, 0 or NaN, got 2/,
    );
  });
});
