/**
 * Higher timeframes become visible only once their bar has closed: a weekly value from the last
 * session of its week, an hourly value from the 1-minute bar whose close reaches the hour bar's
 * close (13:00 on an early close), a daily value on the last minute of the session.
 */
import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  dayMsOf,
  isSession,
  lowerBound,
  newYorkDayOf,
  newYorkToUtc,
  resample,
  sessionClose,
  weekStart,
} from "../../src/data";
import { closeTimes, column, computeFeatures, rsi } from "../../src/features";
import { bundled } from "./_data";

describe("multi-timeframe alignment", () => {
  it("1w:rsi_14 on daily SPY is the weekly RSI of the last week whose last session has passed", () => {
    const { spy } = bundled();
    const r = computeFeatures({ set: [{ indicator: "rsi" }], timeframes: ["1w"] }, { bars: spy });
    const got = column(r.frame, "1w:rsi_14");
    const weekly = resample(spy, "1w");
    const wr = rsi(weekly.close, 14);
    let checked = 0;
    for (let i = 0; i < spy.ts.length; i++) {
      const d = spy.ts[i];
      // The last calendar session of this week, found independently of src/features.
      let last = weekStart(d) + 6 * DAY_MS;
      while (!isSession(last)) last -= DAY_MS;
      const k = lowerBound(weekly.ts, weekStart(d)); // this week's weekly bar
      const want = d === last ? wr[k] : k > 0 ? wr[k - 1] : Number.NaN;
      if (Number.isNaN(want)) {
        expect(got[i]).toBeNaN();
        continue;
      }
      expect(got[i]).toBe(want);
      checked++;
    }
    expect(checked).toBeGreaterThan(8000);
  });

  it("1h and 1d on 1-minute SPY: visible at the minute whose close reaches the higher bar's close", () => {
    const { spy1m } = bundled();
    const r = computeFeatures({ set: [{ indicator: "close" }], timeframes: ["1h", "1d"] }, { bars: spy1m });
    const hourly = column(r.frame, "1h:close");
    const daily = column(r.frame, "1d:close");
    const minute = (day: number, hhmm: number) =>
      lowerBound(spy1m.ts, newYorkToUtc(day, Math.floor(hhmm / 100) * 60 + (hhmm % 100)));
    const day = dayMsOf("2025-11-25");
    // The 09:30–10:30 bar closes at 10:30: its close (the 10:29 minute's) shows from the 10:29 minute on.
    expect(hourly[minute(day, 1028)]).not.toBe(spy1m.close[minute(day, 1029)]);
    expect(hourly[minute(day, 1029)]).toBe(spy1m.close[minute(day, 1029)]);
    expect(hourly[minute(day, 1128)]).toBe(spy1m.close[minute(day, 1029)]);
    // The session's close shows on its last minute only; before it, the previous session's.
    expect(daily[minute(day, 1559)]).toBe(spy1m.close[minute(day, 1559)]);
    expect(daily[minute(day, 1558)]).toBe(spy1m.close[minute(day, 930) - 1]);
    // Early close 2025-11-28: the 12:30–13:00 hour bar and the day close at 13:00.
    const early = dayMsOf("2025-11-28");
    expect(hourly[minute(early, 1259)]).toBe(spy1m.close[minute(early, 1259)]);
    expect(daily[minute(early, 1259)]).toBe(spy1m.close[minute(early, 1259)]);
    expect(closeTimes(resample(spy1m, "1d"))[lowerBound(resample(spy1m, "1d").ts, early)]).toBe(sessionClose(early));
    expect(newYorkDayOf(spy1m.ts[minute(early, 1259)])).toBe(early);
  });
});
