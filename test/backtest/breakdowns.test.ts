import { describe, expect, it } from "vitest";
import {
  breakdownByRegime,
  breakdownByYear,
  runBacktest,
  STRESS_WINDOW_NAMES,
  stressBreakdown,
} from "../../src/backtest";
import { expectEqual, spy } from "./_helpers";

describe("breakdowns on a real SPY backtest", () => {
  const b = spy();
  const n = b.ts.length;
  // A 50-day moving-average timing rule, long-only, to give real trades.
  const signal = new Int8Array(n);
  let s = 0;
  for (let t = 0; t < n; t++) {
    s += b.close[t] - (t >= 50 ? b.close[t - 50] : 0);
    if (t >= 49) signal[t] = b.close[t] > s / 50 ? 1 : -1;
  }
  const regimes = new Int32Array(n).fill(-1);
  for (let t = 1; t < n; t++) regimes[t] = b.close[t] > b.close[t - 1] ? 0 : 1;
  const { simulation, report } = runBacktest(
    { bars: b, signal },
    { signals: { long_only: true }, costs: { commission_bps: 1, slippage_bps: 1 } },
    { benchmark: b, stress: [...STRESS_WINDOW_NAMES], regimes: { ids: regimes, names: ["up_day", "down_day"] } },
  );
  const r = simulation.returns.subarray(1);

  it("per-year rows compound to the total return", () => {
    expect(report.byYear[0].name).toBe("1993");
    expect(report.byYear.at(-1)!.name).toBe("2026");
    let g = 1;
    for (const y of report.byYear) g *= 1 + y.totalReturn;
    expectEqual(g - 1, report.returns.totalReturn);
  });

  it("per-regime rows partition the bars and compound to the total", () => {
    const [up, down] = report.byRegime;
    expect(up.bars + down.bars).toBe(n - 1);
    expectEqual((1 + up.totalReturn) * (1 + down.totalReturn) - 1, report.returns.totalReturn);
    expect(up.maxDrawdown).toBeNaN();
    expect(() => breakdownByRegime(r, Int32Array.from([0, 5]), ["a"], 252)).toThrow(/length 2, expected/);
    expect(() => breakdownByRegime(r.subarray(0, 2), Int32Array.from([0, 5]), ["a"], 252)).toThrow(/index 1 is 5/);
  });

  it("stress windows cover exactly their sessions", () => {
    expect(report.stress.map((w) => w.name)).toEqual([...STRESS_WINDOW_NAMES]);
    const covid = report.stress[1];
    // 2020-02-19 .. 2020-04-30: 51 NYSE sessions.
    expect(covid.bars).toBe(51);
    expect(covid.maxDrawdown).toBeLessThanOrEqual(0);
    const ts = simulation.ts.subarray(1);
    const direct = stressBreakdown(r, ts, ["covid_2020"], 252)[0];
    expectEqual(direct.totalReturn, covid.totalReturn);
    expect(breakdownByYear(r, ts, 252).length).toBe(report.byYear.length);
  });

  it("the report carries the full statistics table and says returns are price returns", () => {
    expect(report.returnBasis).toBe("price");
    expect(report.notes.join(" ")).toMatch(/price returns/);
    expect(report.trades.trades).toBe(simulation.trades.length);
    expect(report.trades.trades).toBeGreaterThan(50);
    expect(report.exposure).toBeGreaterThan(0.4);
    expect(report.exposure).toBeLessThan(1);
    expect(report.annualTurnover).toBeGreaterThan(0);
    for (const v of [
      report.returns.beta,
      report.returns.alpha,
      report.returns.informationRatio,
      report.returns.cvar95,
    ]) {
      expect(Number.isFinite(v)).toBe(true);
    }
    expect(report.returns.beta).toBeGreaterThan(0);
    expect(report.returns.beta).toBeLessThan(1);
  });
});
