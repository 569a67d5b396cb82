/**
 * The shipped intraday experiment (spy-5m) end to end, untracked: labels stay inside one New York
 * session, the daily VIX context enters the 5-minute features, the backtest trades 5-minute bars.
 */
import { describe, expect, it } from "vitest";
import { newYorkDayOf } from "../../src/data";
import { loadConfigFile, runExperiment } from "../../src/pipeline";

describe("spy-5m", () => {
  it("runs on 5-minute bars with session-bounded labels and daily VIX context", async () => {
    const r = await runExperiment(loadConfigFile("experiments/spy-5m.yaml"), { progress: false });
    expect(r.tickers).toEqual(["SPY"]);
    expect(r.backtest.bars.timeframe).toBe("5m");
    let labelled = 0;
    for (let i = 0; i < r.panel.ts.length; i++) {
      if (Number.isNaN(r.panel.endTime[i])) continue;
      labelled++;
      expect(newYorkDayOf(r.panel.endTime[i])).toBe(newYorkDayOf(r.panel.ts[i]));
    }
    expect(labelled).toBeGreaterThan(10_000);
    expect(r.features.names.some((n) => n.startsWith("VIX/"))).toBe(true);
    expect(r.features.names.some((n) => n.startsWith("1h:"))).toBe(true);
    expect(r.models[0].oos.rows).toBeGreaterThan(5000);
    expect(r.models[0].holdout.rows).toBeGreaterThan(1000);
  });
});
