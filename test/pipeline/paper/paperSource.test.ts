/**
 * What a paper run of an intraday model replays: the bundled SPY and QQQ minutes resampled as
 * bars close equal the batch resample of the same minutes, on the times both tickers have; every
 * minute is stored with the bar it closes; daily VIX is stored once its session has closed; the
 * last close is the recording's last.
 */
import { describe, expect, it } from "vitest";
import {
  type Bars,
  barsBetween,
  DAY_MS,
  dayMsOf,
  isSession,
  loadBundled,
  loadUniverse,
  newYorkToUtc,
  resample,
  sessionClose,
} from "../../../src/data";
import { dailyReplay, minuteReplay } from "../../../src/pipeline/paper/paperSource";

const FROM = "2025-11-25";
const TO = "2025-11-28"; // Thanksgiving on the 27th, an early close on the 28th

describe("minuteReplay", () => {
  const window = (b: Bars) => barsBetween(b, newYorkToUtc(dayMsOf(FROM), 0), newYorkToUtc(dayMsOf(TO) + DAY_MS, 0));
  const minutes = ["SPY", "QQQ"].map((t) => window(loadBundled(t, "1m")));
  const vix = loadBundled("VIX", "1d");

  it("closes each 15m bar as the batch resample does, storing its minutes and the closed VIX", () => {
    const replay = minuteReplay(["SPY", "QQQ"], "15m", [vix], { from: FROM, to: TO });
    const batch = minutes.map((m) => resample(m, "15m"));
    const shared = Array.from(batch[0].ts).filter((t) => batch[1].ts.includes(t));
    const closes = [...replay.closes()];
    expect(closes.map((c) => c.ts)).toEqual(shared);
    expect(closes.filter((c) => c.last).map((c) => c.ts)).toEqual([shared.at(-1)]);
    expect(replay.sourceBars).toBe(minutes[0].ts.length + minutes[1].ts.length);
    for (const c of closes) {
      c.bars.forEach((bar, a) => {
        const i = batch[a].ts.indexOf(c.ts);
        expect([bar.open, bar.high, bar.low, bar.close, bar.volume]).toEqual([
          batch[a].open[i],
          batch[a].high[i],
          batch[a].low[i],
          batch[a].close[i],
          batch[a].volume?.[i],
        ]);
      });
      // VIX of a day is stored with the first bar closing at or after that day's close (16:00 on
      // the Thanksgiving row CBOE prints, 13:00 on the early close).
      for (const s of c.ingest.filter((s) => s.ticker === "VIX")) {
        for (const day of s.ts) {
          const closed = isSession(day) ? sessionClose(day) : newYorkToUtc(day, 16 * 60);
          expect(closed).toBeLessThanOrEqual(c.closeTime);
        }
      }
    }
    const stored = (ticker: string, tf: string) =>
      closes.flatMap((c) =>
        c.ingest.filter((s) => s.ticker === ticker && s.timeframe === tf).flatMap((s) => [...s.ts]),
      );
    // Minutes outside regular hours (printed after the 13:00 close) belong to no bar and are not stored.
    const regular = (m: Bars) => resample(m, "1m").ts;
    expect(stored("SPY", "1m").length).toBeLessThanOrEqual(minutes[0].ts.length);
    expect(new Set(stored("SPY", "1m"))).toEqual(
      new Set([...regular(minutes[0])].filter((t) => t <= (shared.at(-1) as number) + 15 * 60_000)),
    );
    expect(stored("VIX", "1d").map((t) => new Date(t).toISOString().slice(0, 10))).toEqual([
      "2025-11-25",
      "2025-11-26",
      "2025-11-27",
      "2025-11-28",
    ]);
    const vixOf = (day: string) =>
      closes.find((c) => c.ingest.some((s) => s.ticker === "VIX" && s.ts.includes(dayMsOf(day))));
    expect(new Date(vixOf("2025-11-27")?.closeTime ?? 0).toISOString()).toBe("2025-11-28T14:45:00.000Z");
    expect(new Date(vixOf("2025-11-28")?.closeTime ?? 0).toISOString()).toBe("2025-11-28T18:00:00.000Z");
    expect(stored("SPY", "15m")).toEqual(shared);
  });

  it("replays a daily model's own bars from --from, each with what closed by then", () => {
    const spy = barsBetween(loadBundled("SPY", "1d"), 0, dayMsOf(TO) + DAY_MS);
    const replay = dailyReplay([spy], [vix], FROM);
    const closes = [...replay.closes()];
    expect(closes.map((c) => new Date(c.ts).toISOString().slice(0, 10))).toEqual([
      "2025-11-25",
      "2025-11-26",
      "2025-11-28",
    ]);
    expect(closes.map((c) => c.ingest.map((s) => `${s.ticker}:${s.ts.length}`).join(" "))).toEqual([
      "SPY:1 VIX:1",
      "SPY:1 VIX:1",
      "SPY:1 VIX:2",
    ]);
    expect(closes.map((c) => c.last)).toEqual([false, false, true]);
  });

  it("carries a daily series' adjusted close to the engine and the store", () => {
    const aapl = barsBetween(loadUniverse().get("AAPL") as Bars, 0, dayMsOf("2019-11-30"));
    const replay = dailyReplay([aapl], [], "2019-11-25");
    expect(replay.adjusted).toBe(true);
    const closes = [...replay.closes()];
    expect(closes).toHaveLength(4); // Thanksgiving on the 28th
    for (const c of closes) {
      const i = aapl.ts.indexOf(c.ts);
      expect(c.bars[0].adjClose).toBe(aapl.adjClose?.[i]);
      expect(Array.from(c.ingest[0].adjClose ?? [])).toEqual([aapl.adjClose?.[i]]);
    }
    expect(dailyReplay([loadBundled("SPY", "1d")], [], "2019-11-25").adjusted).toBe(false);
  });

  it("names a period the minutes do not cover", () => {
    expect(() => minuteReplay(["SPY"], "5m", [], { from: "2024-01-02", to: "2024-01-05" })).toThrow(
      /the bundled 1m file of SPY has no bars in 2024-01-02..2024-01-05; it covers 2025-09-15/,
    );
  });
});
