/**
 * Active returns (strategy minus beta times the benchmark) and the deflated Sharpe on them: a
 * long bias in a rising market is not skill; timing is.
 */
import { describe, expect, it } from "vitest";
import { activeReturns, backtestReport, simulate } from "../../src/backtest";
import { expectEqual, spy } from "./_helpers";

describe("activeReturns", () => {
  it("hand-computed: beta = cov/var, a = (r - rf) - beta (b - rf)", () => {
    const r = Float64Array.from([0.01, -0.02, 0.03, 0.0]);
    const b = Float64Array.from([0.02, -0.01, 0.01, -0.02]);
    // mean(b) = 0, mean(r) = 0.005; cov = 0.0001 + 0.00025 + 0.00025 + 0.0001 = 0.0007;
    // var = 0.0004 + 0.0001 + 0.0001 + 0.0004 = 0.001; beta = 0.7.
    const a = activeReturns(r, b);
    expectEqual(a.beta, 0.7);
    for (const [i, v] of [-0.004, -0.013, 0.023, 0.014].entries()) expectEqual(a.returns[i], v, 1e-12);
    // A per-period risk-free rate of 0.001 takes (1 - beta) * 0.001 = 0.0003 more off each period.
    const withRf = activeReturns(r, b, 0.001);
    expectEqual(withRf.beta, 0.7);
    for (const [i, v] of [-0.0043, -0.0133, 0.0227, 0.0137].entries()) expectEqual(withRf.returns[i], v, 1e-12);
  });

  it("refuses misaligned or constant benchmarks", () => {
    expect(() => activeReturns(new Float64Array(3), new Float64Array(2))).toThrow(/length 2, expected 3/);
    expect(() => activeReturns(Float64Array.from([0.1, 0.2]), Float64Array.from([0.01, 0.01]))).toThrow(/constant/);
  });
});

describe("deflated Sharpe on active returns (real SPY)", () => {
  const b = spy();
  const n = b.ts.length;
  const trials = { count: 1, sharpeVariance: 1 / n };

  it("always long SPY: absolute DSR ~ 1, active Sharpe ~ 0 and active DSR < 0.5", () => {
    const rep = backtestReport(
      simulate(
        { bars: b, signal: new Int8Array(n).fill(1) },
        { signals: { long_only: true }, backtest: { guards: null } },
      ),
      { benchmark: b, trials },
    );
    expect(rep.returns.sharpe).toBeGreaterThan(0.4);
    expect(rep.deflatedSharpe).toBeGreaterThan(0.99);
    expect(rep.active?.beta).toBeCloseTo(1, 2);
    expect(Math.abs(rep.active?.sharpe ?? Number.NaN)).toBeLessThan(0.25);
    expect(rep.active?.deflatedSharpe).toBeLessThan(0.5);
    // Without trials there is no DSR on either basis; without a benchmark no active statistics.
    expect(backtestReport(simulate({ bars: b, signal: new Int8Array(n).fill(1) }, {}), {}).active).toBeNull();
  });

  it("half invested (beta ~ 0.76): active Sharpe ~ 0, active DSR < 0.5, absolute DSR > 0.5", () => {
    const sim = simulate(
      { bars: b, signal: new Int8Array(n).fill(1) },
      { signals: { long_only: true }, sizing: { fraction: 0.5 }, backtest: { guards: null } },
    );
    const rep = backtestReport(sim, { benchmark: b, trials });
    expect(rep.active?.beta).toBeGreaterThan(0.5);
    expect(rep.active?.beta).toBeLessThan(1);
    expect(Math.abs(rep.active?.sharpe ?? Number.NaN)).toBeLessThan(0.25);
    expect(rep.deflatedSharpe).toBeGreaterThan(0.5);
    expect(rep.active?.deflatedSharpe).toBeLessThan(0.5);
  });

  it("timing skill survives: a 10-day look-ahead oracle keeps its Sharpe and an active DSR ~ 1", () => {
    // Knows the sign of the open-to-open move over the 10 bars it will hold. Subtracting the
    // position's own exposure times the benchmark would erase most of this (the design note in
    // activeReturns.ts); subtracting beta times the benchmark does not.
    const sig = new Int8Array(n);
    for (let t = 0; t + 11 < n; t += 10) sig[t] = b.open[t + 11] > b.open[t + 1] ? 1 : -1;
    const rep = backtestReport(
      simulate(
        { bars: b, signal: sig },
        { signals: { hold_bars: 10 }, costs: { commission_bps: 1, slippage_bps: 2 }, backtest: { guards: null } },
      ),
      { benchmark: b, trials: { count: 100, sharpeVariance: 1e-3 } },
    );
    expect(Math.abs(rep.active?.beta ?? Number.NaN)).toBeLessThan(0.1);
    expect(rep.active?.sharpe).toBeGreaterThan(2);
    expect(rep.active?.deflatedSharpe).toBeGreaterThan(0.99);
  });
});
