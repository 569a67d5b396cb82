import { describe, expect, it } from "vitest";
import { backtestReport, signalMatrix, simulate, sweep } from "../../src/backtest";
import { expectEqual, randomSignals, spy } from "./_helpers";

describe("the vectorised sweep equals the single-column engine column by column (real SPY)", () => {
  const b = spy();
  const n = b.ts.length;
  const m = 12;
  const cols = Array.from({ length: m }, (_, c) => randomSignals(n, 77 + c, 0.02 + 0.01 * (c % 4)));
  const sig = signalMatrix(cols);
  const variants = [
    { execution: "next_open" as const, long_only: false, hold_bars: 10 },
    { execution: "close_delay" as const, long_only: true, hold_bars: null },
  ];
  for (const v of variants) {
    it(`${v.execution}, long_only ${v.long_only}, hold ${v.hold_bars}, with costs and borrow`, () => {
      const cfg = {
        signals: { hold_bars: v.hold_bars, long_only: v.long_only },
        sizing: { fraction: 0.8 },
        costs: {
          commission_bps: 1,
          commission_per_share: 0.005,
          commission_min: 1,
          spread_bps: 1,
          slippage_bps: 2,
          max_participation: 0.01,
          borrow_bps_annual: 30,
        },
        backtest: { guards: null, execution: v.execution, risk_free: 0.02 },
      };
      const sw = sweep(b, sig, m, cfg, { keepReturns: true });
      for (let c = 0; c < m; c++) {
        const sim = simulate({ bars: b, signal: cols[c] }, cfg);
        const rep = backtestReport(sim);
        for (let t = 0; t < n; t++) expectEqual(sw.returns![c * n + t], sim.returns[t]);
        expectEqual(sw.finalEquity[c], sim.equity[n - 1]);
        expectEqual(sw.sharpe[c], rep.returns.sharpe);
        expectEqual(sw.maxDrawdown[c], rep.returns.maxDrawdown);
        expect(sw.trades[c]).toBe(sim.trades.length);
        expectEqual(sw.costs[c], rep.trades.totalCosts);
      }
    });
  }

  it("rejects options it cannot honour, by name", () => {
    expect(() => sweep(b, sig, m, { backtest: { stops: { stop_loss_atr: 2 } } })).toThrow(/stop_loss_atr.*guards/);
    expect(() => sweep(b, sig, m, { costs: { impact: "sqrt" }, backtest: { guards: null } })).toThrow(/costs\.impact/);
  });
});
