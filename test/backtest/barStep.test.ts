import { describe, expect, it } from "vitest";
import { signalMatrix, simulate, simulationStepper, sweep, sweepStepper } from "../../src/backtest";
import { loadBundled, sliceBars } from "../../src/data";
import { randomSignals, rng, spy } from "./_helpers";

// Driving the kernel one bar at a time (as a live feed will) must give exactly, bit for bit,
// what `sweep` and `simulate` give over the whole series in one call.

const tight = { min_win_rate: 0.5, win_rate_trades: 5, max_drawdown: 0.1, max_daily_loss: 0.02, cooldown_bars: 10 };
const variants = [
  {
    name: "next_open, vol target, impact, borrow, ATR stops, tight guard rails",
    signals: { hold_bars: 8 },
    sizing: { kind: "vol_target" as const, target: 0.15, max_gross: 1.2 },
    costs: {
      commission_bps: 1,
      slippage_bps: 2,
      impact: "sqrt" as const,
      borrow_bps_annual: 40,
      max_participation: 0.01,
    },
    backtest: { guards: tight, stops: { stop_loss_atr: 1.5, take_profit_atr: 2.5 }, risk_free: 0.02 },
  },
  {
    name: "close_delay, long-only, fixed size, default guard rails",
    signals: { long_only: true },
    sizing: { fraction: 0.9 },
    costs: { commission_bps: 1, spread_bps: 1, slippage_atr: 0.02 },
    backtest: { execution: "close_delay" as const, stops: { stop_loss_atr: 1 } },
  },
];

describe("bar by bar equals the whole series (real SPY, QQQ)", () => {
  const b = spy();
  const n = b.ts.length;
  const volatile = new Uint8Array(n);
  for (let t = 1; t < n; t++) volatile[t] = Math.abs(b.close[t] / b.close[t - 1] - 1) > 0.015 ? 1 : 0;

  for (const cfg of variants) {
    it(`sweep: ${cfg.name}`, () => {
      const m = 6;
      const sig = signalMatrix(Array.from({ length: m }, (_, c) => randomSignals(n, 300 + c, 0.03)));
      const options = { keepReturns: true, volatile };
      const whole = sweep(b, sig, m, cfg, options);
      const stepper = sweepStepper(b, sig, m, cfg, options);
      for (let t = 0; t < stepper.bars; t++) stepper.step(t);
      const stepped = stepper.result();
      expect(stepped).toStrictEqual(whole);
      expect(whole.trades.reduce((a, x) => a + x, 0)).toBeGreaterThan(100);
    });

    it(`simulate, two assets, with and without dividends, Kelly sizes: ${cfg.name}`, () => {
      // The last bars where SPY and QQQ share a calendar.
      const qqq = loadBundled("QQQ", "1d");
      const spyTail = sliceBars(b, n - qqq.ts.length, n);
      expect(spyTail.ts).toStrictEqual(qqq.ts);
      const k = qqq.ts.length;
      const r = rng(11);
      const probability = Float64Array.from({ length: k }, () => 0.45 + 0.2 * r());
      const dividends = new Float64Array(k);
      for (let t = 40; t < k; t += 63) dividends[t] = 0.4;
      const assets = [
        { bars: spyTail, signal: randomSignals(k, 21, 0.03), probability, dividends },
        { bars: qqq, signal: randomSignals(k, 22, 0.02), probability },
      ];
      const kelly = { ...cfg, sizing: { ...cfg.sizing, kind: "kelly" as const, kelly_fraction: 0.5 } };
      // Without dividends `simulate` runs the series in one kernel call; with them, bar by bar.
      const noDividends = assets.map(({ dividends: _, ...a }) => a);
      for (const input of [noDividends, assets]) {
        for (const config of [cfg, kelly]) {
          const whole = simulate(input, config);
          const stepper = simulationStepper(input, config);
          for (let t = 0; t < stepper.bars; t++) stepper.step(t);
          expect(stepper.result()).toStrictEqual(whole);
          expect(whole.trades.length).toBeGreaterThan(50);
        }
      }
    });
  }

  it("refuses a bar stepped out of order", () => {
    const stepper = simulationStepper({ bars: b, signal: randomSignals(n, 5) });
    stepper.step(0);
    expect(() => stepper.step(2)).toThrow(/at bar 1, not 2/);
  });
});
