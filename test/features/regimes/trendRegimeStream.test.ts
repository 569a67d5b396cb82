import { describe, expect, it } from "vitest";
import { type Bars, loadBundled, sliceBars } from "../../../src/data";
import { TREND_REGIMES, trendRegime, TrendRegimeStream } from "../../../src/features";

/** Ids of the stream fed `bars` one bar at a time. */
function streamed(bars: Bars, config = {}): Int32Array {
  const stream = new TrendRegimeStream(config);
  return Int32Array.from(bars.ts, (ts, i) =>
    stream.update({
      ts,
      open: bars.open[i],
      high: bars.high[i],
      low: bars.low[i],
      close: bars.close[i],
      volume: bars.volume ? bars.volume[i] : Number.NaN,
    }),
  );
}

/** The first bar where the ids differ, or null. */
function firstMismatch(a: Int32Array, b: Int32Array): string | null {
  if (a.length !== b.length) return `lengths ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `bar ${i}: stream ${a[i]} vs batch ${b[i]}`;
  return null;
}

function counts(ids: Int32Array): number[] {
  const c = new Array(TREND_REGIMES.length + 1).fill(0);
  for (const id of ids) c[id + 1]++;
  return c;
}

describe("TrendRegimeStream", () => {
  it("gives trendRegime's id at every bar of daily SPY", () => {
    const spy = loadBundled("SPY", "1d");
    const batch = trendRegime(spy).ids;
    expect(firstMismatch(streamed(spy), batch)).toBeNull();
    // Warm-up (14 bars of ATR + 251 of the percentile window) then all three regimes.
    const [undefinedBars, ...regimes] = counts(batch);
    expect(undefinedBars).toBe(265);
    for (const c of regimes) expect(c).toBeGreaterThan(500);
  });

  it("gives trendRegime's id at every bar of 5-minute SPY, with default and other settings", () => {
    const spy5 = loadBundled("SPY", "5m");
    const other = { adxPeriod: 10, atrPeriod: 20, trendAdx: 30, volatilePercentile: 0.7, percentileWindow: 78 };
    for (const config of [{}, other]) {
      const batch = trendRegime(spy5, config).ids;
      expect(firstMismatch(streamed(spy5, config), batch)).toBeNull();
      const [, ...regimes] = counts(batch);
      for (const c of regimes) expect(c).toBeGreaterThan(100);
    }
  });

  it("stays undefined, as the batch does, on a history shorter than the warm-up", () => {
    const spy = loadBundled("SPY", "1d");
    for (const n of [1, 27, 28, 264]) {
      const short = sliceBars(spy, 0, n);
      const batch = trendRegime(short).ids;
      expect(firstMismatch(streamed(short), batch)).toBeNull();
      expect(batch.every((id) => id === -1)).toBe(true);
    }
    // One bar past the warm-up the first id appears in both.
    const justWarm = sliceBars(spy, 0, 266);
    expect(trendRegime(justWarm).ids[265]).toBeGreaterThanOrEqual(0);
    expect(firstMismatch(streamed(justWarm), trendRegime(justWarm).ids)).toBeNull();
  });
});
