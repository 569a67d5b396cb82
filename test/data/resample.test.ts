import { describe, expect, it } from "vitest";
import {
  type Bars,
  dayMsOf,
  isoDate,
  isoNewYork,
  loadBundled,
  newYorkDayOf,
  parseBarsCsv,
  resample,
  sessionClose,
  sessionOpen,
  validateBars,
} from "../../src/data";

const FIELDS = ["open", "high", "low", "close"] as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Relative errors of OHLC between `a` and `ref` on the timestamps both have, skipping some days. */
function relErrors(a: Bars, ref: Bars, skipDay: (day: number) => boolean, day: (t: number) => number): number[] {
  const at = new Map(Array.from(ref.ts, (t, i) => [t, i]));
  const errs: number[] = [];
  for (let i = 0; i < a.ts.length; i++) {
    const j = at.get(a.ts[i]);
    if (j === undefined || skipDay(day(a.ts[i]))) continue;
    for (const f of FIELDS) errs.push(Math.abs(a[f][i] - ref[f][j]) / ref[f][j]);
  }
  return errs;
}

describe("resample", () => {
  const m1 = loadBundled("SPY", "1m");
  // Sessions where the 1-minute file is complete (no missing regular-hours minute).
  const incomplete = new Set(
    validateBars(m1)
      .findings.filter((f) => f.kind === "missing_bar")
      .map((f) => newYorkDayOf(f.time)),
  );

  it("SPY 1m → 5m matches the bundled SPY_5m bars (median rel. error ≤ 1e-4)", () => {
    const r5 = resample(m1, "5m");
    const errs = relErrors(r5, loadBundled("SPY", "5m"), (d) => incomplete.has(d), newYorkDayOf);
    expect(errs.length / 4).toBeGreaterThan(7000);
    expect(median(errs)).toBeLessThanOrEqual(1e-4);
    expect(Math.max(...errs)).toBeLessThan(0.005);
  });

  it("SPY 1m → 1d matches daily/SPY.csv on complete sessions (median rel. error ≤ 1e-4)", () => {
    const d = resample(m1, "1d");
    expect(d.ts.length).toBe(129);
    expect(isoDate(d.ts[0])).toBe("2025-09-15");
    const errs = relErrors(
      d,
      loadBundled("SPY"),
      (x) => incomplete.has(x),
      (t) => t,
    );
    expect(errs.length / 4).toBe(129 - incomplete.size);
    expect(median(errs)).toBeLessThanOrEqual(1e-4);
  });

  it("anchors 1h bars at 09:30 and never spans two sessions; early closes end at 13:00", () => {
    const h = resample(m1, "1h");
    expect(h.ts.length).toBe(127 * 7 + 2 * 4);
    const day = dayMsOf("2025-11-28");
    const bars = Array.from(h.ts).filter((t) => newYorkDayOf(t) === day);
    expect(bars.map((t) => isoNewYork(t).slice(11, 16))).toEqual(["09:30", "10:30", "11:30", "12:30"]);
    for (const t of h.ts) {
      const s = newYorkDayOf(t);
      expect(t >= sessionOpen(s) && t < sessionClose(s)).toBe(true);
      expect((t - sessionOpen(s)) % 3_600_000).toBe(0);
    }
    // The last hour of a full session is the 30-minute bar 15:30–16:00: its volume is those 30 minutes.
    const i = h.ts.indexOf(Date.parse("2026-03-19T19:30:00Z"));
    const from = m1.ts.indexOf(Date.parse("2026-03-19T19:30:00Z"));
    const vol = m1.volume!.subarray(from).reduce((a, b) => a + b, 0);
    expect(h.volume![i]).toBe(vol);
    expect(h.close[i]).toBe(m1.close[m1.ts.length - 1]);
  });

  it("aggregates first/max/min/last/sum exactly on a small series", () => {
    const rows = [
      "2025-09-15T09:30:00-04:00,10,12,9,11,1",
      "2025-09-15T09:31:00-04:00,11,13,10,12,2",
      "2025-09-15T09:44:00-04:00,12,12,8,9,3",
      "2025-09-15T09:45:00-04:00,9,9,9,9,4",
      "2025-09-15T16:00:00-04:00,1,1,1,1,5",
      "2025-09-16T09:30:00-04:00,20,21,19,20,6",
    ];
    const bars = parseBarsCsv(Buffer.from(`timestamp,open,high,low,close,volume\n${rows.join("\n")}\n`), {
      timeframe: "1m",
    });
    const r = resample(bars, "15m");
    expect(Array.from(r.ts, (t) => isoNewYork(t))).toEqual([
      "2025-09-15T09:30:00-04:00",
      "2025-09-15T09:45:00-04:00",
      "2025-09-16T09:30:00-04:00",
    ]);
    expect([r.open[0], r.high[0], r.low[0], r.close[0], r.volume![0]]).toEqual([10, 13, 8, 9, 6]);
    expect(() => resample(bars, "15m", { outsideHours: "error" })).toThrow(/16:00:00-04:00 is outside regular/);
    expect(() => resample(r, "5m")).toThrow(/finer/);
  });

  it("makes weekly bars from calendar weeks of sessions, from 1m and from 1d alike", () => {
    const w = resample(m1, "1w");
    const fromDaily = resample(resample(m1, "1d"), "1w");
    expect(Array.from(w.ts)).toEqual(Array.from(fromDaily.ts));
    expect(Array.from(w.close)).toEqual(Array.from(fromDaily.close));
    // Thanksgiving week: Monday 2025-11-24 is the first session; the Friday is a 13:00 close.
    const i = w.ts.indexOf(dayMsOf("2025-11-24"));
    expect(w.close[i]).toBe(m1.close[m1.ts.indexOf(Date.parse("2025-11-28T17:59:00Z"))]);
    // A week starting with a holiday is stamped with its first session.
    const daily = loadBundled("SPY");
    const dw = resample(daily, "1w");
    expect(dw.ts.includes(dayMsOf("2025-01-21"))).toBe(true);
    expect(dw.ts.length).toBeGreaterThan(1700);
  });
});
