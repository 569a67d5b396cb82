import { describe, expect, it } from "vitest";
import { NewYorkClock } from "../../../src/features/indicators/newYorkClock";

const fmt = new Intl.DateTimeFormat("en-CA", {
  timeZone: "America/New_York",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function reference(ts: number): { day: number; minute: number } {
  const p = Object.fromEntries(fmt.formatToParts(ts).map((x) => [x.type, x.value]));
  return {
    day: Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)) / 86_400_000,
    minute: Number(p.hour) * 60 + Number(p.minute),
  };
}

describe("NewYorkClock (session dates and minutes for VWAP / relative volume)", () => {
  it("agrees with Intl America/New_York every 31 minutes across 2024-2026, DST changes included", () => {
    const clock = new NewYorkClock();
    const start = Date.UTC(2024, 0, 1);
    const end = Date.UTC(2026, 11, 31);
    for (let ts = start; ts < end; ts += 31 * 60_000) {
      const r = reference(ts);
      if (clock.day(ts) !== r.day || clock.minuteOfDay(ts) !== r.minute) {
        expect.fail(`${new Date(ts).toISOString()}: ${clock.day(ts)} ${clock.minuteOfDay(ts)} vs ${r.day} ${r.minute}`);
      }
    }
  });

  it("agrees around the 2025 transitions minute by minute, also when time jumps backwards", () => {
    const clock = new NewYorkClock();
    for (const t0 of [Date.UTC(2025, 2, 9, 4), Date.UTC(2025, 10, 2, 3)]) {
      for (let k = 0; k < 300; k++) {
        const ts = t0 + (k % 2 === 0 ? k : 300 - k) * 60_000;
        const r = reference(ts);
        expect([clock.day(ts), clock.minuteOfDay(ts)]).toEqual([r.day, r.minute]);
      }
    }
  });
});
