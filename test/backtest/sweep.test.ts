import { describe, expect, it } from "vitest";
import { backtestReport, EXIT, signalMatrix, simulate, sweep } from "../../src/backtest";
import { expectEqual, randomSignals, spy } from "./_helpers";

describe("the vectorised sweep equals the single-column engine column by column (real SPY)", () => {
  const b = spy();
  const n = b.ts.length;
  const m = 8;
  const cols = Array.from({ length: m }, (_, c) => randomSignals(n, 77 + c, 0.02 + 0.01 * (c % 4)));
  const sig = signalMatrix(cols);
  const volatile = new Uint8Array(n);
  for (let t = 1; t < n; t++) volatile[t] = Math.abs(b.close[t] / b.close[t - 1] - 1) > 0.015 ? 1 : 0;
  const linear = {
    commission_bps: 1,
    commission_per_share: 0.005,
    commission_min: 1,
    spread_bps: 1,
    slippage_bps: 2,
    max_participation: 0.01,
    borrow_bps_annual: 30,
  };
  const variants = [
    {
      name: "next_open, hold 10, fixed 0.8, linear costs",
      execution: "next_open" as const,
      long_only: false,
      hold_bars: 10,
      sizing: { fraction: 0.8 },
      costs: linear,
      stops: {},
    },
    {
      name: "close_delay, long-only, hold until opposite",
      execution: "close_delay" as const,
      long_only: true,
      hold_bars: null,
      sizing: { fraction: 0.8 },
      costs: linear,
      stops: {},
    },
    {
      name: "next_open, vol target, impact + ATR slippage, ATR stops widened on volatile bars",
      execution: "next_open" as const,
      long_only: false,
      hold_bars: 20,
      sizing: { kind: "vol_target" as const, target: 0.1, max_position: 1.5, max_gross: 1.2 },
      costs: { ...linear, slippage_atr: 0.02, impact: "sqrt" as const },
      stops: { stop_loss_atr: 1.5, take_profit_atr: 2.5 },
    },
    {
      name: "next_open with the default guard rails (tight, so they fire)",
      execution: "next_open" as const,
      long_only: false,
      hold_bars: 5,
      sizing: { fraction: 1 },
      costs: linear,
      stops: { stop_loss_atr: 2 },
      guards: { min_win_rate: 0.5, win_rate_trades: 5, max_drawdown: 0.1, max_daily_loss: 0.02, cooldown_bars: 10 },
    },
    {
      name: "close_delay, stop-loss only",
      execution: "close_delay" as const,
      long_only: false,
      hold_bars: 15,
      sizing: { fraction: 1 },
      costs: linear,
      stops: { stop_loss_atr: 1 },
    },
  ];
  for (const v of variants) {
    it(v.name, () => {
      const cfg = {
        signals: { hold_bars: v.hold_bars, long_only: v.long_only },
        sizing: v.sizing,
        costs: v.costs,
        backtest: { guards: "guards" in v ? v.guards : null, execution: v.execution, risk_free: 0.02, stops: v.stops },
      };
      const sw = sweep(b, sig, m, cfg, { keepReturns: true, volatile });
      let stopped = 0;
      let pauses = 0;
      for (let c = 0; c < m; c++) {
        const sim = simulate({ bars: b, signal: cols[c], volatile }, cfg);
        const rep = backtestReport(sim);
        // One assertion on the worst bar (an expect per bar would dominate the suite's time).
        let worst = 0;
        let at = 0;
        for (let t = 0; t < n; t++) {
          const dev = Math.abs(sw.returns![c * n + t] - sim.returns[t]) / Math.max(1, Math.abs(sim.returns[t]));
          if (dev > worst) {
            worst = dev;
            at = t;
          }
        }
        expectEqual(sw.returns![c * n + at], sim.returns[at]);
        expectEqual(sw.finalEquity[c], sim.equity[n - 1]);
        expectEqual(sw.sharpe[c], rep.returns.sharpe);
        expectEqual(sw.maxDrawdown[c], rep.returns.maxDrawdown);
        expect(sw.trades[c]).toBe(sim.trades.length);
        expectEqual(sw.costs[c], rep.trades.totalCosts);
        expect(sw.pauses[c]).toBe(sim.guardEvents.filter((e) => e.action === "pause").length);
        pauses += sw.pauses[c];
        for (let i = 0; i < sim.trades.length; i++)
          if (sim.trades.exitReason[i] === EXIT.stop_loss || sim.trades.exitReason[i] === EXIT.take_profit) stopped++;
      }
      if ("stop_loss_atr" in v.stops) expect(stopped).toBeGreaterThan(0);
      if ("guards" in v) expect(pauses).toBeGreaterThan(m);
    });
  }

  it("rejects options it cannot honour, by name", () => {
    expect(() => sweep(b, sig, m, { sizing: { kind: "kelly" } })).toThrow(/sizing\.kind kelly/);
    const adjusted = { ...b, adjClose: b.close };
    expect(() => sweep(adjusted, sig, m, {})).toThrow(/use_adjusted/);
  });
});
