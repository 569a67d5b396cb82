/**
 * Every descriptor's live stream (LiveStream): replacing the last bar, again and again, gives
 * exactly the batch value of the bars with the final version of that bar; `isStable` turns true
 * after the declared warm-up, which is the first full row of the batch on clean real bars.
 */
import { describe, expect, it } from "vitest";
import type { Bars } from "../../../src/data";
import { featureIndicator, featureIndicatorNames } from "../../../src/features/featureRegistry";
import { defaultParams } from "../../../src/features/indicators/catalog";
import type { IndicatorDescriptor } from "../../../src/features/indicators/descriptor";
import type { OhlcvBar } from "../../../src/features/indicators/indicator";
import { LiveStream } from "../../../src/features/indicators/liveStream";
import { QQQ_DAILY, SPY_1M, SPY_DAILY, alignTo, barAt, equal, tail } from "./_volatilityVolumeStatsData";

const DAILY = tail(QQQ_DAILY, 700);
const BENCHMARK = alignTo(SPY_DAILY, DAILY).close;
const MINUTES = tail(SPY_1M, 3000);

const DESCRIPTORS = featureIndicatorNames()
  .map((name) => featureIndicator(name) as IndicatorDescriptor)
  .filter((d) => d.stream !== null);

function barsOf(d: IndicatorDescriptor): Bars {
  return d.intradayOnly ? MINUTES : DAILY;
}

function benchmarkAt(d: IndicatorDescriptor, i: number): number {
  return d.needsBenchmark ? BENCHMARK[i] : Number.NaN;
}

function batchOf(d: IndicatorDescriptor, bars: Bars): Record<string, Float64Array> {
  const env = { benchmark: d.needsBenchmark ? BENCHMARK : null, universe: null, proxies: [] };
  return d.batch(bars, defaultParams(d), env);
}

/**
 * A partial bar that has moved on: a wider range (high × k, low / k), the close × k and the
 * volume × v (k > 1 keeps low ≤ close ≤ high).
 */
function moved(bar: OhlcvBar, k: number, v: number): OhlcvBar {
  return { ...bar, high: bar.high * k, low: bar.low / k, close: bar.close * k, volume: bar.volume * v };
}

describe.each(DESCRIPTORS.map((d) => [d.name, d] as const))("%s live stream", (_name, d) => {
  it("replace(bar) after update(other bar) equals batch, bar after bar", () => {
    const bars = barsOf(d);
    const batch = batchOf(d, bars);
    const live = new LiveStream(d, defaultParams(d), bars.timeframe);
    let differed = 0;
    for (let i = 0; i < bars.ts.length; i++) {
      const bar = barAt(bars, i);
      const first = live.update(moved(bar, 1.013, 2), benchmarkAt(d, i) * 1.01);
      live.replace(moved(bar, 1.007, 0.5), benchmarkAt(d, i) * 0.99);
      const got = live.replace(bar, benchmarkAt(d, i));
      for (const key of d.outputs) {
        if (!equal(got[key], batch[key][i]))
          expect.fail(`${key} at bar ${i}: live ${got[key]} vs batch ${batch[key][i]}`);
        if (!equal(first[key], batch[key][i])) differed++;
      }
    }
    // The moved bars do change the values (so the replacing is what makes them equal), except
    // for the features of the timestamp alone.
    if (d.family !== "calendar") expect(differed).toBeGreaterThan(bars.ts.length / 2);
  });

  it("isStable turns true after the declared warm-up, at the first full row", () => {
    const bars = barsOf(d);
    const warmUp = d.warmUp(defaultParams(d), bars.timeframe);
    const live = new LiveStream(d, defaultParams(d), bars.timeframe);
    for (let i = 0; i < 400; i++) {
      live.update(barAt(bars, i), benchmarkAt(d, i));
      expect(live.isStable, `after ${i + 1} bars`).toBe(i + 1 > warmUp);
    }
    // The clock is NaN outside regular hours whatever the warm-up.
    if (d.name === "clock") return;
    const batch = batchOf(d, bars);
    const full = (i: number) => d.outputs.every((k) => !Number.isNaN(batch[k][i]));
    let first = 0;
    while (!full(first)) first++;
    expect(first).toBe(warmUp);
  });
});

describe("LiveStream", () => {
  it("refuses replace() before update() and breadth (no single-series twin)", () => {
    const rsi = featureIndicator("rsi") as IndicatorDescriptor;
    const live = new LiveStream(rsi, defaultParams(rsi), "1d");
    expect(() => live.replace(barAt(DAILY, 0))).toThrow(/^rsi: replace\(\) before any update\(\)$/);
    const breadth = featureIndicator("breadth") as IndicatorDescriptor;
    expect(() => new LiveStream(breadth, defaultParams(breadth), "1d")).toThrow(/^breadth: has no streaming twin/);
  });
});
