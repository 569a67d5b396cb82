/**
 * Feature steps on worker threads (featureThreads.ts) give the single-thread frame bit for bit:
 * the million-bar series' first 150,000 bars with weekly columns, a few universe stocks with
 * VIX and SPY as context, a universe input (cross-sectional steps stay on the main thread), and
 * a step's error, which the main thread throws as it would alone. So do whole inputs on worker
 * threads (inputThreads.ts): many stocks in order, and the first failing stock's error.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { millionBars } from "../../bench/_millionBars";
import { type Bars, loadUniverse, sliceBars } from "../../src/data";
import { computeFeatures, computeFeaturesMany, type FeatureResult } from "../../src/features";
import { featureThreadsReady, threadStats } from "../../src/features/featureThreads";
import type { FeaturesConfigInput } from "../../src/features/featuresConfig";
import { bundled } from "./_data";

/** Index of the first column whose bytes differ (NaN payloads included), or null. */
function firstUnequal(a: FeatureResult, b: FeatureResult): string | null {
  if (a.frame.names.join() !== b.frame.names.join()) return "names";
  if (JSON.stringify(a.report) !== JSON.stringify(b.report)) return "report";
  for (let j = 0; j < a.frame.columns.length; j++) {
    const x = a.frame.columns[j];
    const y = b.frame.columns[j];
    const bx = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    const by = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
    if (bx.length !== by.length || bx.some((v, i) => v !== by[i])) return a.frame.names[j];
  }
  return null;
}

/**
 * The frame on one thread and on two. On a small input a busy machine may let the main thread
 * take every step before the worker is scheduled, so only the large input asserts the worker's part.
 */
function bothWays(
  spec: FeaturesConfigInput,
  input: Parameters<typeof computeFeatures>[1],
): [FeatureResult, FeatureResult] {
  return [computeFeatures(spec, input, { threads: 1 }), computeFeatures(spec, input, { threads: 2 })];
}

describe("feature steps on worker threads", () => {
  let vix: Bars;
  let spy: Bars;
  beforeAll(async () => {
    expect(await featureThreadsReady(2)).toBe(true);
    ({ vix, spy } = bundled());
  });

  it("equal the single-thread frame on 150,000 one-minute bars, weekly columns included", () => {
    const bars = sliceBars(millionBars(), 0, 150_000);
    const before = threadStats.workerSteps;
    const [one, two] = bothWays({ set: "default", timeframes: ["1w"] }, { bars });
    expect(threadStats.workerSteps).toBeGreaterThan(before);
    expect(one.report.columns).toBeGreaterThan(150);
    expect(firstUnequal(one, two)).toBeNull();
  }, 120_000);

  it("equal it for universe stocks with VIX and SPY as context (benchmark steps)", () => {
    const universe = loadUniverse();
    const stocks = [...universe.values()].slice(0, 3);
    for (const bars of stocks) {
      const cut = sliceBars(bars, 0, Math.min(bars.ts.length, vix.ts.length));
      const [one, two] = bothWays({ set: "default" }, { bars: cut, context: { VIX: vix, SPY: spy } });
      expect(one.frame.names).toContain("beta_SPY_60");
      expect(firstUnequal(one, two)).toBeNull();
    }
    const many = computeFeaturesMany({ set: "default" }, [{ bars: spy, context: { VIX: vix } }], { threads: 2 });
    expect(
      firstUnequal(computeFeatures({ set: "default" }, { bars: spy, context: { VIX: vix } }, { threads: 1 }), many[0]),
    ).toBeNull();
  }, 120_000);

  it("equal it with a universe: cs_rank and breadth run on the main thread", () => {
    const universe = new Map([...loadUniverse()].slice(0, 20));
    const spec: FeaturesConfigInput = {
      set: "default",
      extra: [{ indicator: "ret", params: { period: 20 }, transforms: ["cs_rank"], raw: false }],
    };
    const [one, two] = bothWays(spec, { bars: spy, context: { VIX: vix }, universe });
    expect(one.frame.names).toContain("cs_rank(ret_20)");
    expect(firstUnequal(one, two)).toBeNull();
  }, 120_000);

  it("equal it for many stocks computed whole on the threads, in order", () => {
    const stocks = [...loadUniverse().values()].slice(0, 40);
    const inputs = stocks.map((bars) => ({
      bars: sliceBars(bars, 0, Math.min(bars.ts.length, vix.ts.length)),
      context: { VIX: vix, SPY: spy },
    }));
    const before = threadStats.workerInputs;
    const seen: number[] = [];
    const two = computeFeaturesMany({ set: "default" }, inputs, { threads: 2, onEach: (k) => seen.push(k) });
    expect(threadStats.workerInputs).toBeGreaterThan(before);
    expect(seen).toEqual(inputs.map((_, k) => k));
    const one = computeFeaturesMany({ set: "default" }, inputs, { threads: 1 });
    for (const [k, r] of one.entries()) expect(firstUnequal(r, two[k])).toBeNull();
  }, 120_000);

  it("throw the first failing stock's error, after the same stocks, as one thread does", () => {
    const spec: FeaturesConfigInput = {
      set: "default",
      extra: [{ indicator: "beta", params: { benchmark: "QQQ", period: 60 } }],
    };
    const qqq = { ...spy, ticker: "QQQ" };
    const short = { ...sliceBars(spy, 0, 100), ticker: "QQQ" };
    const stocks = [...loadUniverse().values()].slice(0, 16);
    const inputs = stocks.map((bars, k) => ({
      bars: sliceBars(bars, 0, Math.min(bars.ts.length, vix.ts.length)),
      context: { VIX: vix, SPY: spy, QQQ: k === 9 || k === 13 ? short : qqq },
    }));
    const outcome = (threads: number) => {
      const seen: number[] = [];
      try {
        computeFeaturesMany(spec, inputs, { threads, onEach: (k) => seen.push(k) });
      } catch (e) {
        return { seen, message: (e as Error).message };
      }
      return { seen, message: null };
    };
    const alone = outcome(1);
    expect(alone.message).toMatch(/context series QQQ covers/);
    expect(outcome(2)).toEqual(alone);
  }, 120_000);

  it("throw a step's error as the single thread does", () => {
    // A benchmark that covers 100 days of the bars' 8,000: the beta step throws, on whichever thread takes it.
    const spec: FeaturesConfigInput = {
      set: "default",
      extra: [{ indicator: "beta", params: { benchmark: "QQQ", period: 60 } }],
    };
    const input = { bars: { ...spy, ticker: "IWM" }, context: { QQQ: { ...sliceBars(spy, 0, 100), ticker: "QQQ" } } };
    const alone = (() => {
      try {
        computeFeatures(spec, input, { threads: 1 });
      } catch (e) {
        return e;
      }
    })();
    expect(alone).toBeInstanceOf(Error);
    expect((alone as Error).message).toMatch(/context series QQQ covers/);
    expect(() => computeFeatures(spec, input, { threads: 2 })).toThrow((alone as Error).message);
  });
});
