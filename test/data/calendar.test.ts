import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  dayMsOf,
  holidayName,
  isEarlyClose,
  isSession,
  isoDate,
  nextSession,
  previousSession,
  sessionClose,
  sessionOpen,
  sessionsBetween,
  weekStart,
} from "../../src/data";

describe("NYSE session calendar", () => {
  it("has exactly the sessions of daily/SPY.csv from 1993-01-29 to 2026-08-21", () => {
    const dates = readFileSync("data/daily/SPY.csv", "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.slice(0, 10));
    const sessions = Array.from(sessionsBetween(dayMsOf(dates[0]), dayMsOf(dates[dates.length - 1])), (d) =>
      isoDate(d),
    );
    expect(sessions.length).toBe(8448);
    expect(sessions).toEqual(dates);
  });

  it("observes holidays by rule and the one-off closures", () => {
    const closed = [
      "2022-01-17", // MLK
      "2024-03-29", // Good Friday
      "2022-06-20", // Juneteenth (Sunday → Monday)
      "2027-06-18", // Juneteenth (Saturday → Friday)
      "2021-07-05", // Independence Day observed
      "2017-01-02", // New Year on Sunday → Monday
      "1994-04-27",
      "2001-09-11",
      "2001-09-14",
      "2004-06-11",
      "2007-01-02",
      "2012-10-29",
      "2012-10-30",
      "2018-12-05",
      "2025-01-09",
      "1985-09-27", // Hurricane Gloria
      "1977-07-14", // blackout
    ];
    for (const d of closed) expect(isSession(dayMsOf(d)), d).toBe(false);
    expect(holidayName(dayMsOf("2025-01-09"))).toMatch(/Carter/);
    // New Year on a Saturday is not observed on the Friday before; MLK only from 1998; Juneteenth from 2022.
    for (const d of ["2021-12-31", "1997-01-20", "2021-06-18"]) expect(isSession(dayMsOf(d)), d).toBe(true);
  });

  it("closes early at 13:00 ET before Independence Day, after Thanksgiving and on Christmas Eve", () => {
    for (const d of ["2025-07-03", "2025-11-28", "2025-12-24", "2019-07-03", "2018-12-24"]) {
      expect(isEarlyClose(dayMsOf(d)), d).toBe(true);
    }
    for (const d of ["2022-07-01", "2020-07-02", "2025-12-23"]) expect(isEarlyClose(dayMsOf(d)), d).toBe(false);
    expect(new Date(sessionClose(dayMsOf("2025-11-28"))).toISOString()).toBe("2025-11-28T18:00:00.000Z");
    expect(new Date(sessionClose(dayMsOf("2025-07-03"))).toISOString()).toBe("2025-07-03T17:00:00.000Z");
  });

  it("gives session times in UTC under New York DST", () => {
    expect(new Date(sessionOpen(dayMsOf("2025-09-15"))).toISOString()).toBe("2025-09-15T13:30:00.000Z");
    expect(new Date(sessionOpen(dayMsOf("2025-11-03"))).toISOString()).toBe("2025-11-03T14:30:00.000Z");
    expect(new Date(sessionClose(dayMsOf("2026-03-09"))).toISOString()).toBe("2026-03-09T20:00:00.000Z");
    expect(new Date(sessionClose(dayMsOf("2026-03-06"))).toISOString()).toBe("2026-03-06T21:00:00.000Z");
    // 1990s rule: DST from the first Sunday of April.
    expect(new Date(sessionOpen(dayMsOf("1995-04-03"))).toISOString()).toBe("1995-04-03T13:30:00.000Z");
    expect(new Date(sessionOpen(dayMsOf("1995-03-31"))).toISOString()).toBe("1995-03-31T14:30:00.000Z");
    expect(() => sessionOpen(dayMsOf("2025-12-25"))).toThrow(/not an NYSE session/);
  });

  it("steps between sessions and finds week starts", () => {
    expect(isoDate(nextSession(dayMsOf("2025-12-24")))).toBe("2025-12-26");
    expect(isoDate(previousSession(dayMsOf("2025-01-10")))).toBe("2025-01-08");
    expect(isoDate(weekStart(dayMsOf("2025-09-21")))).toBe("2025-09-15");
    expect(() => isSession(dayMsOf("2150-01-02"))).toThrow(/calendar covers/);
  });
});
