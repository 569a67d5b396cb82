import { describe, expect, it } from "vitest";
import { MILLION, buildMillionBars } from "../../bench/_millionBars";
import { isoDate, loadBundled, newYorkDayOf, nextSession, resample, validateBars } from "../../src/data";

describe("the million-bar series (docs/architecture.md shared definition)", () => {
  const bars = buildMillionBars();
  const real = resample(loadBundled("SPY", "1m"), "1m"); // regular-hours bars of the real file

  it("has 1,000,000 one-minute regular-hours bars on the session calendar", () => {
    expect(bars.ts.length).toBe(MILLION);
    const r = validateBars(bars, { sigmaK: Number.POSITIVE_INFINITY });
    expect(r.errors).toBe(0);
    expect(r.counts.non_session_row + r.counts.outside_regular_hours + r.counts.missing_session).toBe(0);
    expect(r.counts.ohlc_violation).toBe(0);
  });

  it("starts with the real SPY file and continues on the next sessions", () => {
    const n = real.ts.length;
    expect(Array.from(bars.ts.subarray(0, n))).toEqual(Array.from(real.ts));
    expect(Array.from(bars.close.subarray(0, n))).toEqual(Array.from(real.close));
    const lastRealDay = newYorkDayOf(real.ts[n - 1]);
    expect(isoDate(newYorkDayOf(bars.ts[n]))).toBe(isoDate(nextSession(lastRealDay)));
    // Prices continue multiplicatively: the replay opens at the previous close, and keeps the real returns.
    expect(bars.open[n]).toBe(bars.close[n - 1]);
    const scale = bars.close[n - 1] / real.open[0];
    for (const i of [1, 100, 5000])
      expect(Math.abs(bars.close[n + i] - real.close[i] * scale)).toBeLessThanOrEqual(5e-5);
  });

  it("is deterministic", () => {
    const again = buildMillionBars();
    expect(again.close[MILLION - 1]).toBe(bars.close[MILLION - 1]);
    expect(again.ts[MILLION - 1]).toBe(bars.ts[MILLION - 1]);
  });
});
