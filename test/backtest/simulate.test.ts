import { describe, expect, it } from "vitest";
import { EXIT_REASONS, simulate, tradeLogToCsv } from "../../src/backtest";
import { impliedDividends } from "../../src/backtest/simulationInputs";
import { expectEqual, handBars, RISING, randomSignals, signalAt, spy } from "./_helpers";

const CAP = { initial_capital: 1000, guards: null };
const reason = (r: ReturnType<typeof simulate>, i: number) => EXIT_REASONS[r.trades.exitReason[i]];
const final = (r: ReturnType<typeof simulate>) => r.equity[r.equity.length - 1];

describe("timing: a signal trades one bar later", () => {
  const bars = handBars(RISING);

  it("next_open: signal at t1 fills at t2's open, held 2 bars, exits at t4's open", () => {
    const r = simulate({ bars, signal: signalAt(6, { 1: 1 }) }, { signals: { hold_bars: 2 }, backtest: CAP });
    expect(r.trades.length).toBe(1);
    expect(r.trades.entryIndex[0]).toBe(2);
    expect(r.trades.exitIndex[0]).toBe(4);
    expect(r.trades.entryPrice[0]).toBe(102);
    expect(r.trades.exitPrice[0]).toBe(105);
    expect(reason(r, 0)).toBe("horizon");
    expectEqual(r.trades.shares[0], 1000 / 102);
    expect(Array.from(r.equity.subarray(0, 2))).toEqual([1000, 1000]);
    expectEqual(r.equity[2], (1000 / 102) * 103);
    expectEqual(r.equity[3], (1000 / 102) * 105);
    expectEqual(final(r), (1000 * 105) / 102);
    expect(r.trades.entryTime[0]).toBe(bars.ts[2]);
  });

  it("a signal on the last bar never trades; a signal on bar 0 fills at bar 1", () => {
    expect(simulate({ bars, signal: signalAt(6, { 5: 1 }) }, { backtest: CAP }).trades.length).toBe(0);
    const r = simulate({ bars, signal: signalAt(6, { 0: 1 }) }, { backtest: CAP });
    expect(r.trades.entryIndex[0]).toBe(1);
    expect(reason(r, 0)).toBe("end");
    expectEqual(final(r), (1000 * 107) / 101);
  });

  it("close_delay: signal at t1 fills at t2's close, exits at t4's close", () => {
    const r = simulate(
      { bars, signal: signalAt(6, { 1: 1 }) },
      { signals: { hold_bars: 2 }, backtest: { ...CAP, execution: "close_delay" } },
    );
    expect(r.trades.entryIndex[0]).toBe(2);
    expect(r.trades.exitIndex[0]).toBe(4);
    expect(r.equity[2]).toBe(1000);
    expectEqual(final(r), (1000 * 106) / 103);
  });

  it("an opposite signal reverses; long-only turns it into an exit", () => {
    const sig = signalAt(6, { 1: 1, 3: -1 });
    const r = simulate({ bars, signal: sig }, { backtest: CAP });
    expect(r.trades.length).toBe(2);
    expect(reason(r, 0)).toBe("signal");
    expect(r.trades.direction[1]).toBe(-1);
    expectEqual(final(r), (1000 * 103) / 102);
    const lo = simulate({ bars, signal: sig }, { signals: { long_only: true }, backtest: CAP });
    expect(lo.trades.length).toBe(1);
    expectEqual(final(lo), (1000 * 105) / 102);
  });

  it("a same-direction signal restarts the holding clock", () => {
    const r = simulate({ bars, signal: signalAt(6, { 1: 1, 2: 1 }) }, { signals: { hold_bars: 2 }, backtest: CAP });
    expect(r.trades.length).toBe(1);
    expect(r.trades.exitIndex[0]).toBe(5);
    expectEqual(final(r), (1000 * 106) / 102);
  });

  it("is deterministic", () => {
    const b = spy();
    const sig = randomSignals(b.ts.length, 7);
    const cfg = { costs: { commission_bps: 1, impact: "sqrt" as const }, backtest: { stops: { stop_loss_atr: 2 } } };
    const a = simulate({ bars: b, signal: sig }, cfg);
    const c = simulate({ bars: b, signal: sig }, cfg);
    expect(a.equity).toEqual(c.equity);
    expect(tradeLogToCsv(a.trades)).toBe(tradeLogToCsv(c.trades));
    // Returns and drawdown are consistent with the equity curve.
    let peak = a.initialCapital;
    let worst = 0;
    for (let t = 0; t < a.equity.length; t++) {
      const prev = t === 0 ? a.initialCapital : a.equity[t - 1];
      peak = Math.max(peak, a.equity[t]);
      worst = Math.max(
        worst,
        Math.abs(a.returns[t] - (a.equity[t] / prev - 1)),
        Math.abs(a.drawdown[t] - (a.equity[t] / peak - 1)),
      );
    }
    expect(worst).toBeLessThanOrEqual(1e-12);
    expect(Math.min(...a.drawdown)).toBeLessThan(-0.05);
  });
});

describe("stops as ATR multiples (ATR(2) at t1 = (2 + 3) / 2 = 2.5)", () => {
  const stops = (extra = {}) => ({
    backtest: { ...CAP, stops: { stop_loss_atr: 1, take_profit_atr: 1, atr_period: 2, ...extra } },
  });

  it("take-profit inside the bar fills at the level", () => {
    const r = simulate({ bars: handBars(RISING), signal: signalAt(6, { 1: 1 }) }, stops());
    expect(reason(r, 0)).toBe("take_profit");
    expect(r.trades.exitIndex[0]).toBe(3);
    expect(r.trades.exitPrice[0]).toBe(104.5);
    expectEqual(final(r), (1000 * 104.5) / 102);
  });

  it("a bar touching both levels assumes the stop-loss", () => {
    const rows = RISING.map((r) => [...r]);
    rows[3] = [103, 106, 99, 105];
    const r = simulate({ bars: handBars(rows), signal: signalAt(6, { 1: 1 }) }, stops());
    expect(reason(r, 0)).toBe("stop_loss");
    expect(r.trades.exitPrice[0]).toBe(99.5);
  });

  it("a gap through the stop fills at the open", () => {
    const rows = RISING.map((r) => [...r]);
    rows[3] = [98, 100, 97, 99];
    const r = simulate({ bars: handBars(rows), signal: signalAt(6, { 1: 1 }) }, stops());
    expect(reason(r, 0)).toBe("stop_loss");
    expect(r.trades.exitPrice[0]).toBe(98);
  });

  it("stops widen in volatile regimes", () => {
    const volatile = new Uint8Array(6);
    volatile[1] = 1;
    const r = simulate({ bars: handBars(RISING), signal: signalAt(6, { 1: 1 }), volatile }, stops());
    expect(r.trades.exitPrice[0]).toBe(102 + 1.5 * 2.5);
  });

  it("short positions mirror the levels", () => {
    const r = simulate({ bars: handBars(RISING), signal: signalAt(6, { 1: -1 }) }, stops());
    expect(reason(r, 0)).toBe("stop_loss");
    expect(r.trades.exitPrice[0]).toBe(104.5);
    expectEqual(final(r), 1000 + (1000 / 102) * (102 - 104.5));
  });

  it("no entry while ATR is warming up", () => {
    const r = simulate({ bars: handBars(RISING), signal: signalAt(6, { 0: 1 }) }, stops());
    expect(r.trades.length).toBe(0);
  });
});

describe("guard rails", () => {
  // Closes fall 100 -> 75 then recover; each open is the previous close.
  const closes = [100, 100, 90, 78, 75, 76, 77, 78, 79, 80];
  const rows = closes.map((c, i) => {
    const o = i === 0 ? 100 : closes[i - 1];
    return [o, Math.max(o, c), Math.min(o, c), c];
  });
  const bars = handBars(rows);
  const always = new Int8Array(10).fill(1);
  const guards = (g: object) => ({
    backtest: {
      initial_capital: 1000,
      guards: { min_win_rate: null, max_drawdown: null, max_daily_loss: null, cooldown_bars: 3, ...g },
    },
  });

  it("drawdown > 20 % pauses, flattens at the next open, resumes after the cooldown with a fresh high-water mark", () => {
    const r = simulate({ bars, signal: always }, guards({ max_drawdown: 0.2 }));
    expect(r.guardEvents.map((e) => [e.index, e.kind, e.action])).toEqual([
      [3, "drawdown", "pause"],
      [6, "drawdown", "resume"],
    ]);
    expect(reason(r, 0)).toBe("guard_drawdown");
    expect(r.trades.exitPrice[0]).toBe(78);
    expect(r.trades.entryIndex[1]).toBe(7);
    expectEqual(final(r), (780 * 80) / 77);
  });

  it("a daily loss beyond the limit pauses for the rest of the session", () => {
    const r = simulate({ bars, signal: always }, guards({ max_daily_loss: 0.05 }));
    expect(r.guardEvents.map((e) => [e.index, e.action])).toEqual([
      [2, "pause"],
      [3, "resume"],
    ]);
    expect(reason(r, 0)).toBe("guard_daily_loss");
    expect(r.trades.entryIndex[1]).toBe(4);
    expectEqual(final(r), (900 * 80) / 78);
  });

  it("a rolling win rate below 45 % pauses new entries for the cooldown, then the window restarts", () => {
    const falling = Array.from({ length: 10 }, (_, i) => [100 - i, 100 - i, 99.5 - i, 99.5 - i]);
    const sig = signalAt(10, { 0: 1, 2: 1, 4: 1, 6: 1, 8: 1 });
    const r = simulate(
      { bars: handBars(falling), signal: sig },
      { signals: { hold_bars: 1 }, ...guards({ min_win_rate: 0.45, win_rate_trades: 2, cooldown_bars: 2 }) },
    );
    expect(r.guardEvents.map((e) => [e.index, e.kind, e.action])).toEqual([
      [4, "win_rate", "pause"],
      [6, "win_rate", "resume"],
    ]);
    expect(Array.from(r.trades.entryIndex)).toEqual([1, 3, 7, 9]);
  });
});

describe("sizing in the engine", () => {
  const bars = handBars(RISING);
  const sigma2 = Math.abs(102 / 100 - 1 - (103 / 102 - 1)) / Math.SQRT2;

  it("vol targeting: fraction = target / annualised volatility at the signal bar", () => {
    const r = simulate(
      { bars, signal: signalAt(6, { 2: 1 }) },
      {
        signals: { hold_bars: 1 },
        sizing: { kind: "vol_target", target: 0.15, vol_lookback: 2, max_position: 2, max_gross: 2 },
        backtest: CAP,
      },
    );
    const frac = 0.15 / (sigma2 * Math.sqrt(252));
    expectEqual(r.trades.shares[0], (frac * 1000) / 103);
    expectEqual(final(r), 1000 + ((frac * 1000) / 103) * 2);
  });

  it("caps: max_position, then max_gross", () => {
    const r = simulate(
      { bars, signal: signalAt(6, { 2: 1 }) },
      { sizing: { kind: "vol_target", vol_lookback: 2, max_position: 2, max_gross: 1 }, backtest: CAP },
    );
    expectEqual(r.trades.shares[0], 1000 / 103);
  });

  it("fractional Kelly from the side probability: 25 % of (p - (1 - p) / b)", () => {
    const probability = new Float64Array(6).fill(Number.NaN);
    probability[1] = 0.6;
    const r = simulate(
      { bars, signal: signalAt(6, { 1: 1 }), probability },
      { signals: { hold_bars: 2 }, sizing: { kind: "kelly" }, backtest: CAP },
    );
    expectEqual(r.trades.shares[0], (0.25 * 0.2 * 1000) / 102);
    probability[1] = 0.4;
    const none = simulate(
      { bars, signal: signalAt(6, { 1: 1 }), probability },
      { sizing: { kind: "kelly" }, backtest: CAP },
    );
    expect(none.trades.length).toBe(0);
  });

  it("an explicit size column overrides the sizing kind", () => {
    const size = new Float64Array(6);
    size[1] = 0.3;
    const r = simulate({ bars, signal: signalAt(6, { 1: 1 }), size }, { backtest: CAP });
    expectEqual(r.trades.shares[0], 300 / 102);
  });

  it("portfolio: two tickers share one account and the gross cap", () => {
    const b = handBars(
      RISING.map((r) => r.map((v) => v / 2)),
      { ticker: "B" },
    );
    const r = simulate(
      [
        { bars, signal: signalAt(6, { 1: 1 }) },
        { bars: b, signal: signalAt(6, { 1: 1 }) },
      ],
      { sizing: { fraction: 0.6 }, backtest: CAP },
    );
    expect(r.trades.length).toBe(2);
    expectEqual(r.trades.shares[0], 600 / 102);
    expectEqual(r.trades.shares[1], 400 / 51);
    expect(r.trades.tickers).toEqual(["HAND", "B"]);
    expectEqual(final(r), (600 / 102) * 107 + (400 / 51) * 53.5);
  });
});

describe("portfolio fills", () => {
  it("exits of any ticker fill before entries on the same bar, freeing gross room", () => {
    const a = handBars(RISING, { ticker: "A" });
    const b = handBars(
      RISING.map((r) => r.map((v) => v / 2)),
      { ticker: "B" },
    );
    // B is listed first: it enters at t4's open exactly when A's 2-bar hold ends.
    const r = simulate(
      [
        { bars: b, signal: signalAt(6, { 3: 1 }) },
        { bars: a, signal: signalAt(6, { 1: 1 }) },
      ],
      { signals: { hold_bars: 2 }, sizing: { fraction: 0.7 }, backtest: CAP },
    );
    const e3 = 300 + ((0.7 * 1000) / 102) * 105;
    expect(r.trades.tickers[r.trades.asset[0]]).toBe("A");
    expectEqual(r.trades.shares[1], (0.7 * e3) / 52.5);
  });
});

describe("dividends", () => {
  it("a given dividend column credits holders on the ex-date and marks the report as total return", () => {
    const dividends = new Float64Array(6);
    dividends[3] = 2;
    const r = simulate(
      { bars: handBars(RISING), signal: signalAt(6, { 1: 1 }), dividends },
      { signals: { hold_bars: 3 }, backtest: CAP },
    );
    expectEqual(final(r), (1000 * 106) / 102 + (2 * 1000) / 102);
    expectEqual(r.trades.dividends[0], 2000 / 102);
    expect(r.returnBasis).toBe("total_return_dividends");
    expect(simulate({ bars: handBars(RISING), signal: signalAt(6, {}) }, { backtest: CAP }).returnBasis).toBe("price");
  });

  it("dividends implied by an adjusted close", () => {
    const closes = [100, 102, 103];
    const adj = [50, 51, 51 * (104 / 102)];
    const d = impliedDividends(Float64Array.from(closes), Float64Array.from(adj));
    expect(d[1]).toBe(0);
    expectEqual(d[2], 1);
  });
});

describe("identities on real SPY data", () => {
  it("zero-cost always-long equals the last close over the first fill price", () => {
    const b = spy();
    const n = b.ts.length;
    const r = simulate({ bars: b, signal: new Int8Array(n).fill(1) }, { backtest: { guards: null } });
    expectEqual(final(r) / r.initialCapital, b.close[n - 1] / b.open[1]);
    expect(r.trades.length).toBe(1);
  });

  it("costs only lower returns, each component on its own", () => {
    const b = spy();
    const base = { signals: { hold_bars: 5 }, backtest: { guards: null } };
    const components = [
      { commission_bps: 1 },
      { commission_per_share: 0.005, commission_min: 1 },
      { spread_bps: 2 },
      { slippage_bps: 1 },
      { slippage_atr: 0.05 },
      { impact: "sqrt" as const },
      { borrow_bps_annual: 50 },
    ];
    for (const seed of [1, 2, 3]) {
      const signal = randomSignals(b.ts.length, seed);
      // No signals while ATR / volatility warm up, so every run trades the same bars.
      signal.fill(0, 0, 30);
      const free = final(simulate({ bars: b, signal }, { ...base, costs: { slippage_atr: 0 } }));
      for (const costs of components) {
        const paid = final(simulate({ bars: b, signal }, { ...base, costs }));
        expect(paid, JSON.stringify(costs)).toBeLessThan(free);
      }
    }
  });
});
