/** Truncation invariance check shared by the daily and intraday no-look-ahead tests. */
import { expect } from "vitest";
import type { Bars } from "../../src/data";
import { type FeatureInput, type FeatureResult, computeFeatures } from "../../src/features";
import { firstDifference, rng, upTo } from "./_data";

/** Checks every column at every cut; returns the full frame's result. */
export function checkCuts(
  spec: Parameters<typeof computeFeatures>[0],
  input: FeatureInput,
  cuts: number[],
): FeatureResult {
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
  return full;
}

export function randomCuts(seed: number, from: number, to: number, count: number): number[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => from + Math.floor(r() * (to - from))).sort((a, b) => a - b);
}
