/**
 * The default feature set holds no near-duplicate columns: on SPY daily as
 * `wsp features report experiments/spy-daily.yaml` computes it (the config's data and features
 * blocks: VIX context, weekly columns, the bundled universe), no pair of columns exceeds
 * |r| 0.99 unless DEFAULT_SET_CORRELATED_PAIRS lists it with a reason.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Bars, loadDataBlock, loadUniverse } from "../../src/data";
import { computeFeatures, DEFAULT_SET_CORRELATED_PAIRS, parseFeaturesConfig } from "../../src/features";
import { correlatedPairs } from "../../src/features/quality";

describe("default set: no near-duplicate columns on SPY daily", () => {
  it("every pair above |r| 0.99 is on the documented allow-list", async () => {
    const doc = parse(readFileSync(join(process.cwd(), "experiments/spy-daily.yaml"), "utf8"));
    expect(doc.features.set).toBe("default");
    const loaded = await loadDataBlock(doc.data);
    const context: Record<string, Bars> = {};
    for (const s of loaded.context) context[s.bars.ticker] = s.bars;
    const bars = loaded.tickers[0].bars;
    expect(bars.ticker).toBe("SPY");
    const { frame } = computeFeatures(parseFeaturesConfig(doc.features), { bars, context, universe: loadUniverse() });
    expect(frame.names.some((n) => n.startsWith("1w:"))).toBe(true);
    const allowed = new Set(DEFAULT_SET_CORRELATED_PAIRS.flatMap((p) => [`${p.a} ~ ${p.b}`, `${p.b} ~ ${p.a}`]));
    const found = correlatedPairs(frame, { threshold: 0.99 });
    const unexplained = found
      .filter((p) => !allowed.has(`${p.a} ~ ${p.b}`))
      .map((p) => `${p.a} ~ ${p.b}: |r| ${p.absCorrelation.toFixed(4)}`);
    expect(unexplained).toEqual([]);
    for (const p of DEFAULT_SET_CORRELATED_PAIRS) expect(p.reason.length).toBeGreaterThan(20);
  });
});
