import { describe, expect, it } from "vitest";
import { addDuration, isoTime, parseDuration } from "../../src/validation";

const utc = (s: string) => Date.parse(`${s}Z`);

describe("ISO-8601 durations", () => {
  it("parses the forms configs use", () => {
    expect(parseDuration("P18M")).toMatchObject({ years: 0, months: 18, days: 0 });
    expect(parseDuration("P2Y")).toMatchObject({ years: 2 });
    expect(parseDuration("P10D")).toMatchObject({ days: 10 });
    expect(parseDuration("P1Y2M3W4DT5H6M7S")).toMatchObject({
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7,
    });
    expect(parseDuration("PT30M")).toMatchObject({ minutes: 30, months: 0 });
  });

  it("rejects malformed text, naming the field", () => {
    for (const bad of ["P", "PT", "18M", "P1.5M", "P-3M", "P0D", "p3m", ""]) {
      expect(() => parseDuration(bad, "train")).toThrow(/train: /);
    }
  });

  it("quotes at most ~120 characters of a long malformed text", () => {
    expect(() => parseDuration(`P${"9".repeat(5000)}X`, "validation.test")).toThrow(
      /^validation\.test: expected an ISO-8601 duration .*, got "P9{119}…" \(5002 characters\)$/,
    );
  });

  it("adds calendar months on UTC dates, clamping the day", () => {
    expect(isoTime(addDuration(utc("2024-01-31T00:00:00"), parseDuration("P1M")))).toBe("2024-02-29");
    expect(isoTime(addDuration(utc("2023-01-31T00:00:00"), parseDuration("P1M")))).toBe("2023-02-28");
    expect(isoTime(addDuration(utc("2020-08-31T00:00:00"), parseDuration("P18M")))).toBe("2022-02-28");
    expect(isoTime(addDuration(utc("2024-02-29T00:00:00"), parseDuration("P1Y")))).toBe("2025-02-28");
    expect(isoTime(addDuration(utc("2026-08-21T00:00:00"), parseDuration("P2Y"), -1))).toBe("2024-08-21");
    expect(isoTime(addDuration(utc("2026-03-31T00:00:00"), parseDuration("P3M"), -1))).toBe("2025-12-31");
    expect(isoTime(addDuration(utc("2025-12-25T00:00:00"), parseDuration("P10D")))).toBe("2026-01-04");
    // Time of day survives month arithmetic; the time part adds fixed lengths.
    expect(isoTime(addDuration(utc("2025-09-15T13:30:00"), parseDuration("P1MT30M")))).toBe("2025-10-15T14:00Z");
  });
});
