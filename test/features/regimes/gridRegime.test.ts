import { beforeAll, describe, expect, it } from "vitest";
import { type Bars, dayMsOf, loadBundled, loadUniverse, sliceBars } from "../../../src/data";
import { BREADTH_PROXY_TICKERS, breadth } from "../../../src/features/breadth";
import {
  GRID_REGIMES,
  gridRegime,
  gridRegimeColumns,
  RegimeInputError,
  regimeSharesByYear,
} from "../../../src/features/regimes";
import { cutPoints, same, universeUpTo, upTo } from "./_truncation";

let universe: Map<string, Bars>;
let proxies: Bars[];
let spy: Bars;
let vix: Bars;
/** The grid on all of SPY with default settings, shared by the tests that only read it. */
let full: ReturnType<typeof gridRegime>;

beforeAll(() => {
  universe = loadUniverse();
  proxies = BREADTH_PROXY_TICKERS.map((t) => loadBundled(t));
  vix = loadBundled("VIX");
  // SPY up to the VIX's last session (2026-07-23).
  spy = upTo(loadBundled("SPY"), vix.ts[vix.ts.length - 1]);
  full = gridOn(spy, universe, proxies, vix);
});

function gridOn(bars: Bars, u: Map<string, Bars>, p: Bars[], v: Bars, config = {}) {
  return gridRegime(bars, { vix: v, breadth: breadth(bars.ts, { universe: u, proxies: p }) }, config);
}

describe("gridRegime", () => {
  it("composes id = 4·vix tercile + 2·breadth above + ATR above, with names to match", () => {
    const g = full;
    expect(g.names.length).toBe(12);
    expect(g.names[0]).toBe("vix_low.breadth_below.atr_below");
    expect(g.names[11]).toBe("vix_high.breadth_above.atr_above");
    let defined = 0;
    for (let i = 0; i < spy.ts.length; i++) {
      if (g.ids[i] < 0) continue;
      defined++;
      const v = g.vixTercile[i];
      expect(v).toBe(g.vixPercentile[i] <= 1 / 3 ? 0 : g.vixPercentile[i] <= 2 / 3 ? 1 : 2);
      expect(g.breadthAbove[i]).toBe(g.breadthShare[i] > 0.5 ? 1 : 0);
      expect(g.ids[i]).toBe(4 * v + 2 * g.breadthAbove[i] + g.atrAbove[i]);
      const [vn, bn, an] = GRID_REGIMES[g.ids[i]].split(".");
      expect(vn).toBe(["vix_low", "vix_mid", "vix_high"][v]);
      expect(bn).toBe(g.breadthAbove[i] ? "breadth_above" : "breadth_below");
      expect(an).toBe(g.atrAbove[i] ? "atr_above" : "atr_below");
    }
    expect(defined).toBeGreaterThan(8000);
    // Breadth comes from the universe on its span, from the proxy elsewhere.
    expect(g.breadthProxy[spy.ts.indexOf(dayMsOf("2017-03-01"))]).toBe(0);
    expect(g.breadthProxy[spy.ts.indexOf(dayMsOf("2008-10-10"))]).toBe(1);
  });

  it("gives shares per year that sum to 1, and crisis years dominated by high VIX", () => {
    const g = full;
    const years = regimeSharesByYear(g);
    for (const y of years) {
      if (y.sessions === 0) continue;
      expect(Math.abs(y.shares.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      expect(y.counts.reduce((a, b) => a + b, 0) + y.undefinedSessions).toBe(
        spy.ts.filter((t) => new Date(t).getUTCFullYear() === y.year).length,
      );
    }
    const vixShare = (year: number, tercile: number) => {
      const y = years.find((r) => r.year === year)!;
      return y.shares.slice(4 * tercile, 4 * tercile + 4).reduce((a, b) => a + b, 0);
    };
    // An inverted tercile (high ↔ low) fails every line here.
    for (const year of [2008, 2020]) expect(vixShare(year, 2)).toBeGreaterThan(0.6);
    expect(vixShare(2008, 0)).toBeLessThan(0.05);
    // January 2020, before the crash, had a low VIX.
    expect(vixShare(2020, 0)).toBeLessThan(0.1);
    expect(vixShare(2017, 0)).toBeGreaterThan(0.8);
    expect(vixShare(2017, 2)).toBeLessThan(0.05);
    // 2008 and 2022 were bear markets: breadth mostly below 50 % with ATR above its median.
    const y2008 = years.find((r) => r.year === 2008)!;
    expect(y2008.shares[GRID_REGIMES.indexOf("vix_high.breadth_below.atr_above")]).toBeGreaterThan(0.5);
  });

  it("uses an expanding VIX window by default; a trailing one on request", () => {
    const expanding = full;
    const trailing = gridOn(spy, universe, proxies, vix, { vixWindow: 504 });
    // Expanding needs 252 VIX rows (from 1990-01-02): defined from SPY's first sessions on.
    expect(Number.isNaN(expanding.vixPercentile[0])).toBe(false);
    let differ = 0;
    for (let i = 0; i < spy.ts.length; i++) if (expanding.vixTercile[i] !== trailing.vixTercile[i]) differ++;
    expect(differ).toBeGreaterThan(500);
  });

  it("is truncation-invariant at random cut points (SPY, VIX, universe and proxies cut alike)", () => {
    const fullTrailing = gridOn(spy, universe, proxies, vix, { vixWindow: 504 });
    const u0 = spy.ts.indexOf(dayMsOf("2015-01-12"));
    const u1 = spy.ts.indexOf(dayMsOf("2020-01-10"));
    const cuts = [30, ...cutPoints(6, u0, u1 + 1, 7), ...cutPoints(4, 300, spy.ts.length, 99)];
    const cols = [
      "vixPercentile",
      "vixTercile",
      "breadthShare",
      "breadthAbove",
      "breadthProxy",
      "atrRatio",
      "atrAbove",
    ] as const;
    for (const cut of cuts) {
      const day = spy.ts[cut];
      const args = [
        sliceBars(spy, 0, cut + 1),
        universeUpTo(universe, day),
        proxies.map((p) => upTo(p, day)),
        upTo(vix, day),
      ] as const;
      for (const [part, whole] of [
        [gridOn(...args), full],
        [gridOn(...args, { vixWindow: 504 }), fullTrailing],
      ] as const) {
        for (let i = 0; i <= cut; i++) {
          if (part.ids[i] !== whole.ids[i])
            throw new Error(`ids at ${i} (cut ${cut}): ${part.ids[i]} vs ${whole.ids[i]}`);
          for (const c of cols) {
            if (!same(part[c][i], whole[c][i]))
              throw new Error(`${c} at ${i} (cut ${cut}): ${part[c][i]} vs ${whole[c][i]}`);
          }
        }
      }
    }
  });

  it("as features: id, parts and one-hot columns", () => {
    const g = full;
    const { names, columns } = gridRegimeColumns(g, { oneHot: true });
    expect(names.slice(0, 2)).toEqual(["regime_grid", "regime_grid_vix_low.breadth_below.atr_below"]);
    expect(names.slice(-4)).toEqual([
      "regime_grid_vix_tercile",
      "regime_grid_breadth_above",
      "regime_grid_breadth_proxy",
      "regime_grid_atr_above",
    ]);
    expect(columns.length).toBe(1 + 12 + 4);
    const i = spy.ts.indexOf(dayMsOf("2020-03-16"));
    expect(columns[0][i]).toBe(g.ids[i]);
    expect(columns[1 + g.ids[i]][i]).toBe(1);
    expect(columns.slice(1, 13).reduce((s, c) => s + c[i], 0)).toBe(1);
  });

  it("rejects a VIX that does not cover the bars, intraday bars and breadth on other dates", () => {
    const all = loadBundled("SPY");
    const br = breadth(all.ts, { universe, proxies });
    expect(() => gridRegime(all, { vix, breadth: br })).toThrow(RegimeInputError);
    expect(() => gridRegime(all, { vix, breadth: br })).toThrow(
      /VIX: no VIX value within 5 days before the session 2026-07-29 \(latest earlier VIX row: 2026-07-23; VIX covers 1990-01-02..2026-07-23\)/,
    );
    const m5 = loadBundled("SPY", "5m");
    expect(() => gridRegime(m5, { vix, breadth: br })).toThrow(/daily bars/);
    expect(() => gridRegime(spy, { vix, breadth: br })).toThrow(/breadth: must be computed on the bars' dates/);
    expect(() => gridOn(spy, universe, proxies, vix, { breadthThreshold: 2 })).toThrow(/breadthThreshold/);
  });
});
