import { describe, expect, it } from "vitest";
import { alignOnCalendar, dayMsOf, loadBundled, resample } from "../../src/data";

describe("alignOnCalendar", () => {
  it("joins VIX with SPY by session and reports what each side lost", () => {
    const spy = loadBundled("SPY");
    const vix = loadBundled("VIX");
    const { bars, ts, dropped } = alignOnCalendar([spy, vix]);
    const [a, b] = bars;
    expect(Array.from(a.ts)).toEqual(Array.from(b.ts));
    expect(Array.from(ts)).toEqual(Array.from(a.ts));
    expect(b.volume).toBeNull();
    const [ds, dv] = dropped;
    // SPY loses the 3 sessions VIX misses and everything after VIX ends (2026-07-23).
    expect(ds.offCalendar).toEqual([]);
    expect(ds.notInOthers.filter((d) => d <= "2026-07-23")).toEqual(["1997-01-31", "1997-11-26", "1999-12-31"]);
    expect(ds.notInOthers.filter((d) => d > "2026-07-23").length).toBe(
      spy.ts.length - spy.ts.indexOf(dayMsOf("2026-07-23")) - 1,
    );
    // VIX loses its 33 holiday rows and the 778 rows before SPY starts.
    expect(dv.offCalendar.length).toBe(33);
    expect(dv.offCalendar).toContain("2024-07-04");
    expect(dv.notInOthers.length).toBe(778);
    expect(a.ts.length + ds.notInOthers.length).toBe(spy.ts.length);
    expect(b.ts.length + dv.notInOthers.length + dv.offCalendar.length).toBe(vix.ts.length);
    const i = a.ts.indexOf(dayMsOf("2020-03-16"));
    expect(b.close[i]).toBe(vix.close[vix.ts.indexOf(dayMsOf("2020-03-16"))]);
  });

  it("aligns intraday series on regular-hours bars only", () => {
    const spy = loadBundled("SPY", "5m");
    const qqq = loadBundled("QQQ", "5m");
    const { bars, dropped } = alignOnCalendar([spy, qqq]);
    expect(bars[0].ts.length).toBe(bars[1].ts.length);
    expect(dropped[0].offCalendar.length).toBe(validateOutside(spy));
    expect(() => alignOnCalendar([spy, resample(qqq, "15m")])).toThrow(/resample first/);
  });
});

function validateOutside(b: ReturnType<typeof loadBundled>): number {
  // Regular-hours bars of a 5m file are those a 5m→5m resample keeps.
  return b.ts.length - resample(b, "5m").ts.length;
}
