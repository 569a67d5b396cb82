import { beforeAll, describe, expect, it } from "vitest";
import { type Bars, dayMsOf, loadBundled, loadUniverse } from "../../src/data";
import { BREADTH_PROXY_TICKERS, breadth, crossSectionBreadth } from "../../src/features/breadth";
import { cutPoints, same, universeUpTo, upTo } from "./regimes/_truncation";

let universe: Map<string, Bars>;
let proxies: Bars[];
let spy: Bars;

beforeAll(() => {
  universe = loadUniverse();
  proxies = BREADTH_PROXY_TICKERS.map((t) => loadBundled(t));
  spy = proxies[0];
});

/** Direct evaluation on one date: every name's SMA summed afresh from its own rows. */
function byHand(members: Iterable<Bars>, day: number, period = 50) {
  let valid = 0;
  let above = 0;
  let adv = 0;
  let dec = 0;
  for (const b of members) {
    const i = b.ts.indexOf(day);
    if (i < 0) continue;
    const px = b.adjClose ?? b.close;
    if (i >= period - 1) {
      let s = 0;
      for (let k = i - period + 1; k <= i; k++) s += px[k];
      valid++;
      if (px[i] > s / period) above++;
    }
    if (i > 0 && px[i] > px[i - 1]) adv++;
    if (i > 0 && px[i] < px[i - 1]) dec++;
  }
  return { valid, above, adv, dec };
}

describe("crossSectionBreadth", () => {
  it("matches a direct count on 2016-06-01 and 2018-02-05 (universe)", () => {
    const cs = crossSectionBreadth(universe.values());
    for (const date of ["2016-06-01", "2018-02-05"]) {
      const day = dayMsOf(date);
      const r = cs.ts.indexOf(day);
      const h = byHand(universe.values(), day);
      expect(h.valid).toBeGreaterThan(400);
      expect(cs.validCount[r]).toBe(h.valid);
      expect(cs.aboveShare[r]).toBe(h.above / h.valid);
      expect(cs.advancers[r]).toBe(h.adv);
      expect(cs.decliners[r]).toBe(h.dec);
      expect(cs.advanceDecline[r]).toBe(h.adv - h.dec);
      expect(same(cs.advanceDeclineRatio[r], h.adv / h.dec)).toBe(true);
    }
    // 2018-02-05, the "Volmageddon" sell-off: nearly every name fell.
    const r = cs.ts.indexOf(dayMsOf("2018-02-05"));
    expect(cs.decliners[r]).toBeGreaterThan(450);
  });

  it("has one row per date any member trades, and a valid SMA only after `period` rows", () => {
    const cs = crossSectionBreadth(universe.values());
    expect(cs.ts.length).toBe(1259);
    expect(cs.ts[0]).toBe(dayMsOf("2015-01-12"));
    expect(cs.validCount[48]).toBe(0);
    expect(Number.isNaN(cs.aboveShare[48])).toBe(true);
    expect(cs.validCount[49]).toBeGreaterThan(400);
  });

  it("voids only the SMA windows holding a missing price, and counts no move into or out of it", () => {
    const close = Float64Array.from(spy.close);
    close[1000] = Number.NaN;
    const cs = crossSectionBreadth([{ ...spy, close }]);
    const clean = crossSectionBreadth([spy]);
    expect(Array.from(cs.validCount.subarray(995, 1055))).toEqual([
      ...new Array(5).fill(1),
      ...new Array(50).fill(0),
      ...new Array(5).fill(1),
    ]);
    expect(Array.from(cs.aboveShare.subarray(1050))).toEqual(Array.from(clean.aboveShare.subarray(1050)));
    expect(cs.advancers[1000] + cs.decliners[1000] + cs.advancers[1001] + cs.decliners[1001]).toBe(0);
    expect(cs.advancers[1002] + cs.decliners[1002]).toBe(clean.advancers[1002] + clean.decliners[1002]);
  });

  it("rejects intraday bars and bad periods", () => {
    expect(() => crossSectionBreadth([loadBundled("SPY", "5m")])).toThrow(/SPY is 5m/);
    expect(() => crossSectionBreadth(proxies, 0)).toThrow(/period/);
  });
});

describe("breadth", () => {
  it("uses the universe where it covers the date and flags the ETF proxy elsewhere", () => {
    const b = breadth(spy.ts, { universe, proxies });
    const at = (d: string) => spy.ts.indexOf(dayMsOf(d));
    // Before the universe, in its SMA warm-up, and after it ends: the proxy.
    for (const d of ["2010-06-01", "2015-02-02", "2020-01-13", "2024-03-01"]) {
      const i = at(d);
      expect(b.proxy[i]).toBe(1);
      const h = byHand(proxies, dayMsOf(d));
      expect(b.validCount[i]).toBe(h.valid);
      expect(b.aboveShare[i]).toBe(h.above / h.valid);
      expect(b.advanceDecline[i]).toBe(h.adv - h.dec);
    }
    expect(b.validCount[at("2024-03-01")]).toBe(4);
    // 1993: SPY alone (QQQ, IWM, DIA start later).
    expect(b.validCount[at("1993-06-01")]).toBe(1);
    // SPY's first 49 sessions: no valid SMA anywhere.
    expect(Number.isNaN(b.proxy[10])).toBe(true);
    expect(Number.isNaN(b.aboveShare[10])).toBe(true);
    for (const d of ["2015-06-01", "2017-08-15", "2020-01-10"]) {
      const i = at(d);
      expect(b.proxy[i]).toBe(0);
      const h = byHand(universe.values(), dayMsOf(d));
      expect(b.validCount[i]).toBe(h.valid);
      expect(b.aboveShare[i]).toBe(h.above / h.valid);
    }
    // The switch to the universe happens on its 50th session, when the SMAs become valid.
    const u0 = at("2015-01-12");
    expect(b.proxy[u0 + 48]).toBe(1);
    expect(b.proxy[u0 + 49]).toBe(0);
  });

  it("without a universe, every row is the proxy", () => {
    const b = breadth(spy.ts, { proxies });
    for (let i = 49; i < spy.ts.length; i++) expect(b.proxy[i]).toBe(1);
  });

  it("is truncation-invariant: the value at t from data up to t equals the value from all data", () => {
    const full = breadth(spy.ts, { universe, proxies });
    const cols = [
      "aboveShare",
      "validCount",
      "advancers",
      "decliners",
      "advanceDecline",
      "advanceDeclineRatio",
      "proxy",
    ] as const;
    const u0 = spy.ts.indexOf(dayMsOf("2015-01-12"));
    const u1 = spy.ts.indexOf(dayMsOf("2020-01-10"));
    // Cuts inside the universe's span (including its warm-up edge), and a few around it.
    const cuts = [...cutPoints(10, u0, u1 + 1), u0 + 49, u1 + 1, ...cutPoints(3, 60, spy.ts.length)];
    for (const cut of cuts) {
      const day = spy.ts[cut];
      const part = breadth(upTo(spy, day).ts, {
        universe: universeUpTo(universe, day),
        proxies: proxies.map((p) => upTo(p, day)),
      });
      expect(part.ts.length).toBe(cut + 1);
      for (const c of cols) {
        for (let i = Math.max(0, cut - 60); i <= cut; i++) {
          if (!same(part[c][i], full[c][i]))
            throw new Error(`${c} at ${i} (cut ${cut}): ${part[c][i]} vs ${full[c][i]}`);
        }
      }
    }
  });

  it("rejects unsorted dates", () => {
    expect(() => breadth(Float64Array.of(2, 1), { proxies })).toThrow(/strictly increasing/);
  });
});
