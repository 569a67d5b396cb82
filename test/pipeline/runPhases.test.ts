/**
 * A prefix of the runner's phases on real bundled SPY data: running through the splits gives the
 * data, features, labels, rows and split plan, and neither trains nor backtests anything.
 */
import { describe, expect, it } from "vitest";
import { PHASES, parseConfig, runPhases } from "../../src/pipeline";

const CONFIG = `name: prefix
tracking: { experiment: pipeline-prefix }
data: { tickers: [SPY], timeframe: 1d, start: 2012-01-01, end: 2024-12-31, context: [VIX] }
labels: { kind: fixed_horizon, horizon: 5 }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P1Y }
models: [{ kind: gbm, params: { n_trees: 10, max_depth: 3, min_child_weight: 20 } }]
controls: { shuffled_labels: true }
backtest: { benchmark: SPY }
`;

describe("runPhases", () => {
  it("runs through the splits only: rows and folds, no training", async () => {
    const p = await runPhases(parseConfig(CONFIG), "splits", { progress: false });
    expect(Object.keys(p).filter((k) => (PHASES as readonly string[]).includes(k))).toEqual([
      "data",
      "features",
      "labels",
      "rows",
      "splits",
    ]);
    expect(Object.keys(p.timings)).toEqual(["load", "validate", "features", "labels", "splits"]);
    expect(p.data.tickers).toEqual(["SPY"]);
    const n = p.rows.panel.ts.length;
    expect(n).toBe(p.data.tickerBars[0].ts.length);
    expect(p.rows.X.nRows).toBe(n);
    expect(p.rows.yTarget.length).toBe(n);
    expect(p.splits.plan.splits.length).toBeGreaterThan(1);
    // The final holdout is the last year, after every test fold.
    const lastTest = p.splits.plan.splits[p.splits.plan.splits.length - 1].test;
    expect(p.splits.plan.holdout.length).toBeGreaterThan(200);
    expect(p.splits.plan.holdout[0]).toBeGreaterThan(lastTest[lastTest.length - 1]);
  }, 60_000);

  it("stops after the phase asked for", async () => {
    const p = await runPhases(parseConfig(CONFIG), "labels", { progress: false });
    expect(Object.keys(p.timings)).toEqual(["load", "validate", "features", "labels"]);
    expect("rows" in p).toBe(false);
    expect(p.labels.classes.length).toBe(2);
    expect(p.labels.width).toBe(1);
  }, 60_000);
});
