import { describe, expect, it } from "vitest";
import { assetFromProbabilities, runBacktest, STRESS_WINDOW_NAMES, tradeLogToCsv } from "../../src/backtest";
import { expectEqual, spy } from "./_helpers";

describe("calibrated probabilities on real SPY bars become trades, equity and the statistics table", () => {
  const b = spy();
  const n = b.ts.length;
  // A crude calibrated-looking probability: logistic of the 20-day return (uses closes <= t only).
  const pUp = new Float64Array(n).fill(Number.NaN);
  for (let t = 20; t < n; t++) pUp[t] = 1 / (1 + Math.exp(-20 * (b.close[t] / b.close[t - 20] - 1)));
  const config = {
    signals: { long_above: 0.53, short_above: 0.6, hold_bars: 10 },
    sizing: { kind: "kelly" as const, payoff_ratio: 1 },
    costs: { commission_bps: 1, slippage_bps: 2 },
  };

  it("runs end to end with Kelly sizing from the side probabilities", () => {
    const asset = assetFromProbabilities({ bars: b, pUp }, config);
    expect(asset.signal[0]).toBe(0);
    const { simulation, report } = runBacktest(asset, config, { benchmark: b, stress: [...STRESS_WINDOW_NAMES] });
    const log = simulation.trades;
    expect(log.length).toBeGreaterThan(100);
    // Kelly size of the first trade: 25 % x (2p - 1) of equity at the signal bar.
    const e = log.entryIndex[0];
    const p = log.direction[0] > 0 ? pUp[e - 1] : 1 - pUp[e - 1];
    const rawFill = b.open[e];
    expectEqual(log.shares[0] * rawFill, 0.25 * (2 * p - 1) * simulation.equity[e - 1]);
    expect(report.returns.periods).toBe(n - 1);
    expect(report.stress.length).toBe(4);
    const csv = tradeLogToCsv(log).trim().split("\n");
    expect(csv.length).toBe(log.length + 1);
    expect(csv[1]).toMatch(/^SPY,(long|short),\d{4}-\d\d-\d\dT/);
    for (let i = 0; i < log.length; i++) expect(log.entryIndex[i]).toBeGreaterThan(0);
  });
});
