import { beforeAll, describe, expect, it } from "vitest";
import { type Bars, loadBundled, sliceBars } from "../../../src/data";
import { adx, natr, percentileRank } from "../../../src/features/indicators";
import { regimeColumns, TREND_REGIMES, trendRegime } from "../../../src/features/regimes";
import { cutPoints, same } from "./_truncation";

let spy: Bars;

beforeAll(() => {
  spy = loadBundled("SPY");
});

describe("trendRegime", () => {
  it("labels volatile first, then trend by ADX, else range (default thresholds, real SPY)", () => {
    const r = trendRegime(spy);
    const a = adx(spy.high, spy.low, spy.close, 14).adx;
    const p = percentileRank(natr(spy.high, spy.low, spy.close, 14), 252);
    const counts = [0, 0, 0];
    let volatileWithHighAdx = 0;
    for (let i = 0; i < spy.ts.length; i++) {
      const want = Number.isNaN(a[i]) || Number.isNaN(p[i]) ? -1 : p[i] >= 0.8 ? 2 : a[i] >= 25 ? 0 : 1;
      if (r.ids[i] !== want) throw new Error(`bar ${i}: ${r.ids[i]} vs ${want}`);
      if (want >= 0) counts[want]++;
      if (want === 2 && a[i] >= 25) volatileWithHighAdx++;
    }
    expect(r.names).toEqual(TREND_REGIMES);
    // Warm-up: 14 bars of ATR plus 251 of the percentile window.
    expect(r.ids[264]).toBe(-1);
    expect(r.ids[265]).toBeGreaterThanOrEqual(0);
    // All three occur, and the precedence matters on real data.
    for (const c of counts) expect(c).toBeGreaterThan(500);
    expect(volatileWithHighAdx).toBeGreaterThan(100);
  });

  it("follows its thresholds", () => {
    const base = trendRegime(spy);
    const strict = trendRegime(spy, { trendAdx: 40, volatilePercentile: 0.95 });
    const count = (ids: Int32Array, k: number) => ids.filter((x) => x === k).length;
    expect(count(strict.ids, 0)).toBeLessThan(count(base.ids, 0));
    expect(count(strict.ids, 2)).toBeLessThan(count(base.ids, 2));
    expect(() => trendRegime(spy, { trendAdx: -1 })).toThrow(/trendAdx/);
    expect(() => trendRegime(spy, { volatilePercentile: 1.5 })).toThrow(/volatilePercentile/);
  });

  it("gives −1 everywhere on a history shorter than its warm-up instead of throwing", () => {
    const r = trendRegime(sliceBars(spy, 0, 30));
    expect(Array.from(r.ids).every((x) => x === -1)).toBe(true);
  });

  it("is truncation-invariant at random cut points on real SPY", () => {
    const full = trendRegime(spy);
    for (const cut of [20, 270, ...cutPoints(12, 300, spy.ts.length)]) {
      const part = trendRegime(sliceBars(spy, 0, cut + 1));
      for (let i = 0; i <= cut; i++) {
        if (part.ids[i] !== full.ids[i]) throw new Error(`ids at ${i} (cut ${cut}): ${part.ids[i]} vs ${full.ids[i]}`);
        if (!same(part.adx[i], full.adx[i]) || !same(part.atrPercentile[i], full.atrPercentile[i])) {
          throw new Error(`inputs at ${i} (cut ${cut})`);
        }
      }
    }
  });

  it("as features: the id (NaN in warm-up) and one-hot columns summing to 1", () => {
    const r = trendRegime(spy);
    const { names, columns } = regimeColumns(r, { oneHot: true });
    expect(names).toEqual(["regime_trend", "regime_trend_trend", "regime_trend_range", "regime_trend_volatile"]);
    expect(Number.isNaN(columns[0][0])).toBe(true);
    for (let i = 265; i < spy.ts.length; i++) {
      expect(columns[0][i]).toBe(r.ids[i]);
      expect(columns[1][i] + columns[2][i] + columns[3][i]).toBe(1);
      expect(columns[1 + r.ids[i]][i]).toBe(1);
    }
    expect(regimeColumns(r).names).toEqual(["regime_trend"]);
  });
});
