/**
 * Regime-specific barriers (`labels.barriers.scale: regime`): one width per regime id, the ids
 * from the features stage's regimes (bars ≤ t). A hand-computed case, the run's ids against the
 * regimes module's own, the ids' causality, and the config's errors naming the YAML path.
 */
import { describe, expect, it } from "vitest";
import { loadBundled } from "../../src/data";
import { trendRegime } from "../../src/features";
import { labelsConfigSchema, labelsFromConfig } from "../../src/labels";
import { parseConfig, runPhases } from "../../src/pipeline";
import { barrierRegimes } from "../../src/pipeline/barrierRegimes";

const regimeLabels = (upper: string, lower: string, regimes = "trend3") => `name: regime-barriers
tracking: { experiment: regime-barriers }
data: { tickers: [SPY], timeframe: 1d, start: 2012-01-01, end: 2024-12-31, context: [VIX] }
labels:
  kind: triple_barrier
  horizon: 5
  barriers: { upper: ${upper}, lower: ${lower}, scale: regime, regimes: ${regimes} }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P1Y }
models: [{ kind: gbm, params: { n_trees: 10, max_depth: 3, min_child_weight: 20 } }]
backtest: { benchmark: SPY }
`;

describe("regime-specific barriers", () => {
  it("labels a hand-computed case with one width per regime id", () => {
    const close = Float64Array.of(100, 101.5, 100, 100, 103, 100, 100);
    const bars = { ts: Float64Array.from(close, (_, i) => i * 86_400_000), high: close, low: close, close };
    const config = labelsConfigSchema.parse({
      kind: "triple_barrier",
      horizon: 2,
      barriers: { upper: [0.01, 0.05, 0.02], lower: [0.01, 0.05, 0.02], scale: "regime", regimes: "trend3" },
    });
    const labels = labelsFromConfig(bars, config, { regime: [0, 1, 2, 1, Number.NaN, 0, 0] });
    // t=0 (1 %): 101.5 >= 101 at bar 1, BULLISH. t=1 (5 %): neither 106.575 nor 96.425 by bar 3,
    // NEUTRAL. t=2 (2 %): 103 >= 102 at bar 4, BULLISH. t=3 (5 %): 103 < 105 and 100 > 95 by
    // bar 5, NEUTRAL. t=4: no regime, no label; t=5, 6: past the end.
    expect(Array.from(labels.y)).toEqual([2, 1, 2, 1, Number.NaN, Number.NaN, Number.NaN]);
    expect(Array.from(labels.endIdx)).toEqual([1, 3, 4, 5, -1, -1, -1]);
  });

  it("the run's labels follow the trend3 ids of the regimes module, computed from bars <= t", async () => {
    const p = await runPhases(parseConfig(regimeLabels("[0.03, 0.02, 0.05]", "[0.02, 0.02, 0.04]")), "labels", {
      progress: false,
    });
    const bars = p.data.tickerBars[0];
    const ids = Float64Array.from(trendRegime(bars, p.config.regimes.trend).ids, (id) => (id < 0 ? Number.NaN : id));
    const want = labelsFromConfig(bars, p.config.labels, { regime: ids });
    expect(Array.from(p.labels.sets[0].y)).toEqual(Array.from(want.y));
    // Every regime id occurs, and the widths differ by regime.
    expect(new Set(ids).size).toBe(4);
    // Causal: the ids on a prefix of the bars equal the full series' ids there.
    const full = barrierRegimes("trend3", p.config, [bars], [])[0];
    const m = 2000;
    const cut = (c: Float64Array) => c.slice(0, m);
    const prefix = {
      ...bars,
      ts: cut(bars.ts),
      open: cut(bars.open),
      high: cut(bars.high),
      low: cut(bars.low),
      close: cut(bars.close),
      volume: bars.volume ? cut(bars.volume) : null,
    };
    expect(Array.from(barrierRegimes("trend3", p.config, [prefix], [])[0])).toEqual(Array.from(full.slice(0, m)));
  }, 60_000);

  it("grid12 ids come from VIX, breadth and ATR, causally", () => {
    const spy = loadBundled("SPY", "1d");
    const vix = loadBundled("VIX", "1d");
    const n = 6000;
    const cut = (c: Float64Array, m: number) => c.slice(0, m);
    const head = (m: number) => ({
      ...spy,
      ts: cut(spy.ts, m),
      open: cut(spy.open, m),
      high: cut(spy.high, m),
      low: cut(spy.low, m),
      close: cut(spy.close, m),
      volume: spy.volume ? cut(spy.volume, m) : null,
    });
    const config = parseConfig(
      regimeLabels("[0.03]", "[0.02]").replace(
        "upper: [0.03], lower: [0.02], scale: regime, regimes: trend3",
        "upper: 0.03, lower: 0.02, scale: fixed",
      ),
    ).config;
    const full = barrierRegimes("grid12", config, [head(n)], [vix])[0];
    const ids = new Set(Array.from(full).filter((v) => !Number.isNaN(v)));
    expect(ids.size).toBe(12);
    const m = 5000;
    expect(Array.from(barrierRegimes("grid12", config, [head(m)], [vix])[0])).toEqual(Array.from(full.slice(0, m)));
  }, 60_000);

  it("refuses widths that do not match the scheme, naming the YAML path", () => {
    expect(() => parseConfig(regimeLabels("[0.03, 0.02]", "[0.02, 0.02, 0.04]"))).toThrow(
      /labels\.barriers\.upper: scale regime with regimes trend3 needs a list of 3 widths \(one per regime id\), got 2/,
    );
    expect(() => parseConfig(regimeLabels("[0.03, 0.02, 0.05]", "[0.02, 0.02, 0.04]", "grid12"))).toThrow(
      /labels\.barriers\.lower: .*needs a list of 12 widths/,
    );
    expect(() => parseConfig(regimeLabels("[0.03]", "[0.02]", "trend9"))).toThrow(/labels\.barriers\.regimes/);
    expect(() =>
      parseConfig(regimeLabels("[0.03, 0.02, 0.05]", "[0.02, 0.02, 0.04]").replace(", regimes: trend3", "")),
    ).toThrow(/labels\.barriers\.regimes: scale regime needs the regime ids the widths follow: trend3 or grid12/);
  });
});
