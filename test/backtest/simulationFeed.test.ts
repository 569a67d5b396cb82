import { describe, expect, it } from "vitest";
import { type AssetInput, simulate, simulationFeed } from "../../src/backtest";
import { type Bars, loadBundled, sliceBars } from "../../src/data";
import { randomSignals, rng, spy } from "./_helpers";

// A feed knows neither its bars nor its length in advance: bar t is written as it closes and
// stepped, the last one named as it comes. It must end where `simulate` over the same inputs ends.

const variants = [
  {
    name: "next_open, Kelly, impact, borrow, ATR stops widened, guard rails",
    signals: { hold_bars: 8 },
    sizing: { kind: "kelly" as const, kelly_fraction: 0.5, max_gross: 1.2 },
    costs: {
      commission_bps: 1,
      slippage_bps: 2,
      impact: "sqrt" as const,
      borrow_bps_annual: 40,
      max_participation: 0.01,
    },
    backtest: {
      guards: { min_win_rate: 0.5, win_rate_trades: 5, max_drawdown: 0.1, max_daily_loss: 0.02, cooldown_bars: 10 },
      stops: { stop_loss_atr: 1.5, take_profit_atr: 2.5 },
    },
  },
  {
    name: "close_delay, long-only, vol target, ATR slippage, dividends from adjClose",
    signals: { long_only: true },
    sizing: { kind: "vol_target" as const, target: 0.2 },
    costs: { commission_bps: 1, spread_bps: 1, slippage_atr: 0.02 },
    backtest: { execution: "close_delay" as const, stops: { stop_loss_atr: 1 } },
  },
];

/** SPY's and QQQ's last shared bars, with an adjusted close implying a quarterly dividend. */
function market(): Bars[] {
  const s = spy();
  const qqq = loadBundled("QQQ", "1d");
  const spyTail = sliceBars(s, s.ts.length - qqq.ts.length, s.ts.length);
  return [spyTail, qqq].map((b) => {
    const adj = Float64Array.from(b.close);
    let factor = 1;
    for (let t = b.ts.length - 1; t >= 0; t--) {
      adj[t] = b.close[t] * factor;
      if (t % 63 === 40) factor *= 1 - 0.4 / b.close[t];
    }
    return { ...b, adjClose: adj };
  });
}

describe("a simulation fed bar by bar equals simulate (real SPY, QQQ)", () => {
  const bars = market();
  const n = bars[0].ts.length;
  for (const cfg of variants) {
    it(cfg.name, () => {
      const r = rng(7);
      const assets: AssetInput[] = bars.map((b, k) => ({
        bars: b,
        signal: randomSignals(n, 40 + k, 0.03),
        probability: Float64Array.from({ length: n }, () => 0.45 + 0.2 * r()),
        volatile: Uint8Array.from({ length: n }, (_, t) =>
          t > 0 && Math.abs(b.close[t] / b.close[t - 1] - 1) > 0.015 ? 1 : 0,
        ),
      }));
      const whole = simulate(assets, cfg);
      const feed = simulationFeed(
        { tickers: bars.map((b) => b.ticker), timeframe: "1d", capacity: n + 100, adjusted: true },
        cfg,
      );
      for (let t = 0; t < n; t++) {
        const steps = assets.map((a) => ({
          bar: {
            ts: a.bars.ts[t],
            open: a.bars.open[t],
            high: a.bars.high[t],
            low: a.bars.low[t],
            close: a.bars.close[t],
            volume: a.bars.volume?.[t] ?? Number.NaN,
            adjClose: a.bars.adjClose?.[t],
          },
          signal: a.signal[t] as -1 | 0 | 1,
          probability: (a.probability as Float64Array)[t],
          volatile: (a.volatile as Uint8Array)[t] === 1,
        }));
        feed.push(steps, t === n - 1);
        expect(feed.equity).toBe(whole.equity[t]);
      }
      const fed = feed.result();
      expect(fed).toStrictEqual(whole);
      expect(whole.returnBasis).toBe("total_return_adjusted");
      expect(whole.trades.length).toBeGreaterThan(50);
      expect(feed.position(0)).toBe(0);
      expect(() => feed.push([], false)).toThrow(/last bar was stepped already/);
    });
  }

  it("names a bar out of order and a feed past its capacity", () => {
    const b = bars[0];
    const step = (t: number) => ({
      bar: { ts: b.ts[t], open: b.open[t], high: b.high[t], low: b.low[t], close: b.close[t], volume: Number.NaN },
      signal: 0 as const,
      probability: Number.NaN,
      volatile: false,
    });
    const feed = simulationFeed({ tickers: [b.ticker], timeframe: "1d", capacity: 2 });
    feed.push([step(1)], false);
    expect(() => feed.push([step(0)], false)).toThrow(/is not after the last one/);
    feed.push([step(2)], false);
    expect(() => feed.push([step(3)], false)).toThrow(/more than its capacity of 2 bars/);
  });
});
