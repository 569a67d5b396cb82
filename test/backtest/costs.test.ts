import { describe, expect, it } from "vitest";
import { backtestReport, capacityEstimate, costsSchema, simulate } from "../../src/backtest";
import { commission, fillCost, impactFraction } from "../../src/backtest/costs";
import { expectEqual, handBars, RISING, signalAt, spy } from "./_helpers";

const CAP = { initial_capital: 1000, guards: null };
const bars = handBars(RISING);
const final = (r: ReturnType<typeof simulate>) => r.equity[r.equity.length - 1];
const costs = (c: object) => costsSchema.parse(c);

describe("costs of one fill (hand computed)", () => {
  it("commission: bps of notional plus per share, with a minimum per fill", () => {
    expect(commission(costs({ commission_bps: 10 }), 100, 10_000)).toBe(10);
    expectEqual(commission(costs({ commission_per_share: 0.005 }), 1000, 50_000), 5);
    expect(commission(costs({ commission_per_share: 0.005, commission_min: 1 }), 10, 500)).toBe(1);
    expect(commission(costs({}), 10, 500)).toBe(0);
  });

  it("half the spread plus slippage in bps, plus a fraction of ATR, move the price against the trader", () => {
    const c = costs({ spread_bps: 10, slippage_bps: 5, slippage_atr: 0.1 });
    const buy = fillCost(c, 1, { price: 100, shares: 10, atr: 2, sigma: Number.NaN, volume: Number.NaN });
    expectEqual(buy.execPrice, 100 * (1 + 0.001) + 0.2);
    const sell = fillCost(c, -1, { price: 100, shares: 10, atr: 2, sigma: Number.NaN, volume: Number.NaN });
    expectEqual(sell.execPrice, 100 * (1 - 0.001) - 0.2);
    expectEqual(buy.linear, 10 * (0.1 + 0.2));
  });

  it("square-root impact: Y * sigma * sqrt(shares / volume)", () => {
    const c = costs({ impact: "sqrt", impact_coef: 0.5 });
    expectEqual(impactFraction(c, 400, 0.02, 10_000), 0.5 * 0.02 * 0.2);
    expect(impactFraction(c, 400, 0.02, Number.NaN)).toBe(0);
    expect(impactFraction(costs({}), 400, 0.02, 10_000)).toBe(0);
  });
});

describe("costs in the engine (signal at t1, fill at t2's open 102, exit at t4's open 105)", () => {
  const sig = signalAt(6, { 1: 1 });
  const run = (c: object) => simulate({ bars, signal: sig }, { signals: { hold_bars: 2 }, costs: c, backtest: CAP });

  it("commission 10 bps, spread 10 bps, slippage 5 bps", () => {
    const r = run({ commission_bps: 10, spread_bps: 10, slippage_bps: 5 });
    const sh = 1000 / 102;
    // Entry: pays 102 * 1.001 per share and 1.00 commission, leaving cash = -2.
    expectEqual(r.equity[2], -2 + sh * 103);
    expectEqual(final(r), -2 + sh * 105 * 0.999 - 0.001 * sh * 105);
    expectEqual(r.trades.entryPrice[0], 102 * 1.001);
    expectEqual(r.trades.exitPrice[0], 105 * 0.999);
    expectEqual(r.trades.costs[0], 1 + sh * 102 * 0.001 + 2 * sh * 105 * 0.001);
    expectEqual(r.trades.grossPnl[0], sh * 3);
    expectEqual(r.trades.pnl[0], final(r) - 1000);
  });

  it("per-share commission below the minimum pays the minimum on both fills", () => {
    const r = run({ commission_per_share: 0.01, commission_min: 1.5 });
    expectEqual(final(r), (1000 * 105) / 102 - 3);
  });

  it("square-root impact uses the signal bar's volatility and volume", () => {
    const r = simulate(
      { bars, signal: signalAt(6, { 2: 1 }) },
      { signals: { hold_bars: 1 }, sizing: { vol_lookback: 2 }, costs: { impact: "sqrt" }, backtest: CAP },
    );
    const r1 = 102 / 100 - 1;
    const r2 = 103 / 102 - 1;
    const r3 = 105 / 103 - 1;
    const s2 = Math.abs(r1 - r2) / Math.SQRT2;
    const s3 = Math.abs(r2 - r3) / Math.SQRT2;
    const sh = 1000 / 103;
    const impIn = s2 * Math.sqrt(sh / 1000);
    const impOut = s3 * Math.sqrt(sh / 1000);
    expectEqual(r.trades.entryPrice[0], 103 * (1 + impIn));
    expectEqual(final(r), -1000 * impIn + sh * 105 * (1 - impOut));
    expectEqual(r.trades.impactCosts[0], sh * 103 * impIn + sh * 105 * impOut);
  });

  it("entries are cut to the participation cap of the signal bar's volume", () => {
    const r = run({ max_participation: 0.001 });
    expect(r.trades.shares[0]).toBe(1);
    expectEqual(final(r), 1003);
  });

  it("short borrow accrues per bar on the short notional at the close", () => {
    // 25,200 bps a year over 252 bars = 1 % per bar, to keep the arithmetic visible.
    const r = simulate(
      { bars, signal: signalAt(6, { 1: -1 }) },
      { signals: { hold_bars: 2 }, costs: { borrow_bps_annual: 25_200 }, backtest: CAP },
    );
    const sh = 1000 / 102;
    expectEqual(final(r), 1000 + sh * (102 - 105) - sh * (103 + 105) * 0.01);
    expectEqual(r.trades.costs[0], sh * (103 + 105) * 0.01);
  });
});

describe("capacity: the capital at which costs eat half the edge", () => {
  it("solves k*L + k^1.5*I = k*G/2", () => {
    const cap = capacityEstimate({ initialCapital: 1e6, grossPnl: 100_000, linearCosts: 10_000, impactCosts: 20_000 });
    const k = cap / 1e6;
    expectEqual(k * 10_000 + k ** 1.5 * 20_000, (k * 100_000) / 2);
    expectEqual(k, 4);
    expect(capacityEstimate({ initialCapital: 1e6, grossPnl: 100, linearCosts: 60, impactCosts: 1 })).toBe(0);
    expect(capacityEstimate({ initialCapital: 1e6, grossPnl: 100, linearCosts: 10, impactCosts: 0 })).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it("is finite and positive for a profitable SPY strategy with impact", () => {
    const b = spy();
    const n = b.ts.length;
    const sim = simulate(
      { bars: b, signal: new Int8Array(n).fill(1) },
      { signals: { hold_bars: 20 }, costs: { impact: "sqrt", commission_bps: 1 }, backtest: { guards: null } },
    );
    const rep = backtestReport(sim);
    expect(rep.capacity).toBeGreaterThan(sim.initialCapital);
    expect(Number.isFinite(rep.capacity)).toBe(true);
  });
});
