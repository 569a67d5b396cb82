/**
 * Constant returns have zero variance, which rounding shows as a tiny standard deviation: the
 * statistics must be defined (volatility 0; Sharpe, skew, kurtosis, PSR NaN with a note), never
 * the noise they were (Sharpe 2.4e16, skew −1, PSR 1 for a year of 0.1 % days), and what consumes
 * them (DSR, MinTRL, the report's notes, the per-year breakdown) must carry that through. NaN
 * rather than ±∞: MLflow stores ±∞ as ±1.8e308 (measured), which would top every Sharpe column.
 */
import { describe, expect, it } from "vitest";
import {
  backtestReport,
  breakdownByYear,
  deflatedSharpe,
  minTrackRecordLength,
  returnStatistics,
  simulate,
} from "../../src/backtest";
import { spy } from "./_helpers";

const CASES: [number, number][] = [
  [0.001, 252],
  [0.0004, 2520],
  [-0.0003, 500],
  [0.01 / 3, 1000],
  [1e-7, 100_000],
];

describe("zero-variance returns", () => {
  it.each(CASES)("constant %d over %d periods: volatility 0, Sharpe/skew/kurtosis/PSR NaN, a note", (c, n) => {
    const s = returnStatistics(new Float64Array(n).fill(c), { periodsPerYear: 252 });
    expect(s.sharpe).toBeNaN();
    expect(s.sharpePerPeriod).toBeNaN();
    expect(s.annualVolatility).toBe(0);
    expect(s.skew).toBeNaN();
    expect(s.kurtosis).toBeNaN();
    expect(s.probabilisticSharpe).toBeNaN();
    expect(s.notes).toHaveLength(1);
    expect(s.notes[0]).toMatch(/constant .*zero variance/);
    // What consumes them: DSR and MinTRL undefined too.
    const d = deflatedSharpe({
      sr: s.sharpePerPeriod,
      nObs: n,
      skew: s.skew,
      kurtosis: s.kurtosis,
      nTrials: 10,
      sharpeVariance: 1e-4,
    });
    expect(d.dsr).toBeNaN();
    const minTrl = minTrackRecordLength(s.sharpePerPeriod, 0, s.skew, s.kurtosis);
    expect(minTrl).toBeNaN();
  });

  it("all-zero returns: Sharpe NaN, a note; MinTRL NaN (was Infinity)", () => {
    const s = returnStatistics(new Float64Array(300), { periodsPerYear: 252 });
    expect(s.sharpe).toBeNaN();
    expect(s.annualVolatility).toBe(0);
    expect(s.notes[0]).toMatch(/Sharpe ratio, skew, kurtosis and PSR are undefined/);
    expect(minTrackRecordLength(s.sharpePerPeriod, 0, s.skew, s.kurtosis)).toBeNaN();
  });

  it("a real but tiny spread is variance, not noise: the Sharpe is mean / sd", () => {
    const n = 1000;
    const r = Float64Array.from({ length: n }, (_, i) => 0.001 + (i % 2 ? 1e-9 : -1e-9));
    const s = returnStatistics(r, { periodsPerYear: 252 });
    expect(s.notes).toEqual([]);
    expect(s.sharpePerPeriod).toBeCloseTo(0.001 / (1e-9 * Math.sqrt(n / (n - 1))), -2);
    expect(s.skew).toBeCloseTo(0, 6);
  });

  it("constant active returns: tracking error 0, information ratio NaN, a note", () => {
    const n = 252;
    const bench = Float64Array.from({ length: n }, (_, i) => 0.01 * Math.sin(i));
    const r = bench.map((b) => b + 0.0002);
    const s = returnStatistics(r, { periodsPerYear: 252, benchmark: bench });
    expect(s.trackingError).toBe(0);
    expect(s.informationRatio).toBeNaN();
    expect(s.notes.some((x) => /active returns .* constant/.test(x))).toBe(true);
    expect(Number.isFinite(s.sharpe)).toBe(true);
  });

  it("a strategy that never trades, risk-free 2 %: Sharpe NaN with its note in the report, DSR NaN (SPY)", () => {
    const b = spy();
    const cfg = { backtest: { guards: null, risk_free: 0.02 } };
    const rep = backtestReport(simulate({ bars: b, signal: new Int8Array(b.ts.length) }, cfg), {
      trials: { count: 5, sharpeVariance: 1e-4 },
    });
    expect(rep.returns.sharpe).toBeNaN();
    expect(rep.returns.probabilisticSharpe).toBeNaN();
    expect(rep.deflatedSharpe).toBeNaN();
    expect(rep.notes.some((x) => /zero variance/.test(x))).toBe(true);
  });

  it("per-year breakdown: a year of constant returns has Sharpe NaN and volatility 0, not noise", () => {
    const n = 252;
    const ts = Float64Array.from({ length: n }, (_, i) => Date.UTC(2021, 0, 4) + i * 86_400_000);
    const rows = breakdownByYear(new Float64Array(n).fill(0.001), ts, 252);
    const y2021 = rows.find((r) => r.name === "2021")!;
    expect(y2021.sharpe).toBeNaN();
    expect(y2021.annualVolatility).toBe(0);
  });
});
