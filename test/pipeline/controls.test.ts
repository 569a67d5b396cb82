/**
 * The null checks that ship with the product (DESIGN.md, research integrity): a run whose target
 * is shuffled must be refused by the gates, and a leaked feature (the label's own future return)
 * must be flagged. Real bundled SPY data, untracked.
 */
import { describe, expect, it } from "vitest";
import { parseConfig, runExperiment } from "../../src/pipeline";

const experiment = "pipeline-controls";

function fastConfig(extra = "", name = "spy-fast"): string {
  return `name: ${name}
tracking: { experiment: ${experiment}, model_name: ${experiment}-model, tags: { suite: pipeline } }
data: { tickers: [SPY], timeframe: 1d, start: 2008-01-01, end: 2024-12-31, context: [VIX] }
features: { set: default }
labels: { kind: triple_barrier, horizon: 5, barriers: { upper: 1.5, lower: 1.5, scale: vol_20 }, output: binary }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P1Y }
models:
  - { kind: gbm, params: { n_trees: 20, max_depth: 3, learning_rate: 0.1, min_child_weight: 20 } }
  - { kind: rf, params: { n_trees: 16, max_depth: 6, min_samples_leaf: 20 } }
ensemble: { kind: weighted }
calibration: { method: platt }
signals: { long_above: 0.55, short_above: 0.55, hold_bars: 5 }
costs: { commission_bps: 1, slippage_bps: 2 }
backtest: { benchmark: SPY, stress: [covid_2020] }
${extra}`;
}

describe("null runs and leakage", () => {
  it("refuses a run whose target is shuffled", async () => {
    const r = await runExperiment(
      parseConfig(fastConfig("controls: { shuffled_labels: true, shuffle_target: true }\n", "null-run")),
      { progress: false },
    );
    expect(Math.abs((r.ensemble?.oos.auc ?? 0) - 0.5)).toBeLessThan(0.05);
    expect(r.gates.passed).toBe(false);
    const signal = r.gates.checks.find((c) => c.name === "signal");
    expect(signal?.passed).toBe(false);
  });

  it("flags a leaked feature (the label's future return) and refuses the run", async () => {
    const r = await runExperiment(parseConfig(fastConfig("controls: { inject_leak: true }\n", "leaky")), {
      progress: false,
    });
    expect(r.leakage.screen.flagged).toContain("__canary_future_return");
    expect(r.leakage.flags.some((f) => f.includes("__canary_future_return"))).toBe(true);
    expect(r.leakage.flags.some((f) => /direction accuracy 0\.\d+ > 0\.7/.test(f))).toBe(true);
    expect(r.gates.checks.find((c) => c.name === "leakage")?.passed).toBe(false);
    expect(r.gates.passed).toBe(false);
  });
});
