/**
 * Several tickers pooled into one model (etf-daily-multi's shape) on real bundled data: rows
 * of one timestamp never straddle a split, every split purges on the latest label end among the
 * tickers, and the backtest trades every ticker on the timestamps they share.
 */
import { describe, expect, it } from "vitest";
import { loadDataBlock } from "../../src/data";
import { labelsFromConfig } from "../../src/labels";
import { panelPlan, parseConfig, runExperiment, stackPanel } from "../../src/pipeline";

const CONFIG = `name: pair
tracking: { experiment: pipeline-panel }
data: { tickers: [SPY, QQQ], timeframe: 1d, start: 2012-01-01, end: 2024-12-31, context: [VIX] }
labels: { kind: fixed_horizon, horizon: 5 }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P1Y }
models: [{ kind: gbm, params: { n_trees: 10, max_depth: 3, min_child_weight: 20 } }]
calibration: { method: platt }
signals: { hold_bars: 5 }
backtest: { benchmark: SPY }
`;

describe("pooled tickers", () => {
  it("splits on the shared timeline and purges by the latest label end", async () => {
    const data = await loadDataBlock({ tickers: ["SPY", "QQQ"], start: "2012-01-01", end: "2024-12-31" });
    const cfg = parseConfig(CONFIG).config;
    const inputs = data.tickers.map((t) => ({
      bars: t.bars,
      frame: { ts: t.bars.ts, names: ["ret"], columns: [t.bars.close] },
      labels: labelsFromConfig(t.bars, cfg.labels),
    }));
    const panel = stackPanel(inputs);
    expect(panel.ts.length).toBe(data.tickers[0].bars.ts.length + data.tickers[1].bars.ts.length);
    for (let r = 1; r < panel.ts.length; r++) expect(panel.ts[r]).toBeGreaterThanOrEqual(panel.ts[r - 1]);
    const plan = panelPlan(panel, panel.y, cfg.validation);
    expect(plan.splits.length).toBeGreaterThan(2);
    for (const s of plan.splits) {
      const testFrom = panel.ts[s.test[0]];
      const testTo = panel.ts[s.test[s.test.length - 1]];
      const tickersTested = new Set(Array.from(s.test, (r) => panel.rowTicker[r]));
      expect(tickersTested.size).toBe(2);
      for (const r of s.train) {
        // No training label of either ticker reaches into the test block.
        expect(panel.ts[r] < testFrom ? panel.endTime[r] < testFrom : panel.ts[r] > testTo).toBe(true);
      }
    }
    for (const r of plan.holdout) expect(panel.ts[r]).toBeGreaterThanOrEqual(plan.holdoutFrom);
    for (const r of plan.rows) expect(panel.endTime[r]).toBeLessThan(plan.holdoutFrom);
  });

  it("runs the pipeline over both tickers and trades both", async () => {
    const r = await runExperiment(parseConfig(CONFIG), { progress: false });
    expect(r.tickers).toEqual(["SPY", "QQQ"]);
    expect(r.backtest.assets.map((b) => b.ticker)).toEqual(["SPY", "QQQ"]);
    expect(r.backtest.assets[0].ts).toEqual(r.backtest.assets[1].ts);
    const traded = new Set(Array.from(r.backtest.run.simulation.trades.asset));
    expect(traded.size).toBe(2);
    expect(r.backtest.benchmark?.ticker).toBe("SPY");
    expect(r.models[0].oos.rows).toBeGreaterThan(2 * 1500);
  });
});
