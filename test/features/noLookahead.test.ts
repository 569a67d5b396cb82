/**
 * No look-ahead, proven by truncation invariance: for every column of the default set (with
 * higher timeframes, VIX context and the universe's breadth), the frame computed on bars[0..t]
 * (context and universe cut at the same time) equals the full frame on rows 0..t, at random cut
 * points of real daily and 1-minute SPY bars.
 */
import { describe, expect, it } from "vitest";
import { type Bars, loadUniverse } from "../../src/data";
import { type FeatureInput, computeFeatures } from "../../src/features";
import { bundled, firstDifference, rng, upTo } from "./_data";

function checkCuts(spec: Parameters<typeof computeFeatures>[0], input: FeatureInput, cuts: number[]): void {
  const full = computeFeatures(spec, input);
  expect(full.report.columns).toBeGreaterThanOrEqual(100);
  for (const cut of cuts) {
    const t = input.bars.ts[cut];
    const context: Record<string, Bars> = {};
    for (const [k, v] of Object.entries(input.context ?? {})) context[k] = upTo(v, t);
    const universe = input.universe
      ? new Map([...input.universe].map(([k, v]) => [k, upTo(v, t)] as [string, Bars]))
      : undefined;
    const part = computeFeatures(spec, { bars: upTo(input.bars, t), context, universe });
    expect(part.frame.names).toEqual(full.frame.names);
    for (let j = 0; j < full.frame.names.length; j++) {
      const diff = firstDifference(part.frame.columns[j], full.frame.columns[j], cut + 1);
      if (diff !== null) expect.fail(`${full.frame.names[j]} cut at row ${cut}: ${diff}`);
    }
  }
}

function randomCuts(seed: number, from: number, to: number, count: number): number[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => from + Math.floor(r() * (to - from))).sort((a, b) => a - b);
}

describe("truncation invariance of the default set", () => {
  it("daily SPY with VIX, the universe's breadth and weekly columns: 20 random cuts", () => {
    const { spy, vix } = bundled();
    const universe = loadUniverse();
    const input = { bars: spy, context: { VIX: vix }, universe };
    const spec = { set: "default" as const, timeframes: ["1w" as const] };
    // Cuts over the whole history, more of them where the universe has data (2015-2020).
    const first = spy.ts.findIndex((t) => t >= Date.UTC(2015, 0, 12));
    const cuts = [...randomCuts(1, 300, spy.ts.length - 1, 12), ...randomCuts(2, first, first + 1250, 8)];
    const full = computeFeatures(spec, input);
    for (const name of ["breadth_above_share_50", "VIX/percentile_rank_252", "1w:rsi_14", "calendar_day_of_week"]) {
      expect(full.frame.names).toContain(name);
    }
    checkCuts(spec, input, cuts);
  });

  it("1-minute SPY with VIX and 5m/1h/1d/1w columns: 10 random cuts", () => {
    const { spy1m, vix } = bundled();
    const input = { bars: spy1m, context: { VIX: vix } };
    const spec = { set: "default" as const, timeframes: ["5m" as const, "1h" as const, "1d" as const, "1w" as const] };
    const full = computeFeatures(spec, input);
    for (const name of ["clock_minutes_since_open", "VIX/close", "1h:rsi_14", "1d:rsi_14", "1w:ret_1"]) {
      expect(full.frame.names).toContain(name);
    }
    checkCuts(spec, input, randomCuts(3, 500, spy1m.ts.length - 1, 10));
  });
});
