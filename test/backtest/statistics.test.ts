import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  backtestReport,
  columnSharpes,
  deflatedSharpe,
  expectedMaxSharpe,
  minTrackRecordLength,
  probabilisticSharpe,
  probabilityOfBacktestOverfitting,
  returnStatistics,
  simulate,
  sweep,
  variance,
} from "../../src/backtest";
import { expectEqual, randomSignals, rng, spy } from "./_helpers";

interface Case {
  name: string;
  risk_free: number;
  returns: number[];
  benchmark: number[];
  expected: Record<string, number | null>;
}
const fixture = JSON.parse(
  readFileSync(join(process.cwd(), "test/fixtures/backtest/stats_reference.json"), "utf8"),
) as { periods_per_year: number; cases: Case[] };

describe("statistics equal empyrical-reloaded on real return series (scripts/fixtures/backtest_stats.py)", () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const ppy = fixture.periods_per_year;
      const s = returnStatistics(Float64Array.from(c.returns), {
        periodsPerYear: ppy,
        riskFree: c.risk_free,
        benchmark: Float64Array.from(c.benchmark),
      });
      const e = c.expected as Record<string, number>;
      for (const key of [
        "totalReturn",
        "annualReturn",
        "annualVolatility",
        "sharpe",
        "sortino",
        "calmar",
        "maxDrawdown",
        "var95",
        "cvar95",
        "alpha",
        "beta",
        "sharpePerPeriod",
        "skew",
        "kurtosis",
        "probabilisticSharpe",
      ] as const) {
        expectEqual(s[key], e[key]);
      }
      expectEqual(s.informationRatio / Math.sqrt(ppy), e.excessSharpe);
      const d = deflatedSharpe({
        sr: s.sharpePerPeriod,
        nObs: c.returns.length,
        skew: s.skew,
        kurtosis: s.kurtosis,
        nTrials: 100,
        sharpeVariance: 0.5 / ppy,
      });
      expectEqual(d.sr0, e.expectedMaxSharpe100);
      expectEqual(d.dsr, e.deflatedSharpe100);
      if (c.expected.minTrackRecordLength !== null) {
        expectEqual(minTrackRecordLength(s.sharpePerPeriod, 0, s.skew, s.kurtosis), e.minTrackRecordLength);
      }
    });
  }
});

describe("PSR / DSR / MinTRL (Bailey & López de Prado)", () => {
  it("reproduces the worked example of 'The Deflated Sharpe Ratio' (2014)", () => {
    // The paper's example: annualised SR 2.5 over 5 years of daily returns (T = 1250), N = 100
    // trials whose annualised Sharpe ratios have variance 1/2, skewness -3, kurtosis 10. It
    // reports E[max SR] = 0.1132 (per day) and DSR = 0.9004, both rounded to 4 decimals.
    const sr = 2.5 / Math.sqrt(250);
    const { dsr, sr0 } = deflatedSharpe({
      sr,
      nObs: 1250,
      skew: -3,
      kurtosis: 10,
      nTrials: 100,
      sharpeVariance: 0.5 / 250,
    });
    expect(Math.abs(sr0 - 0.1132)).toBeLessThan(1e-4);
    expect(Math.abs(dsr - 0.9004)).toBeLessThan(2e-4);
  });

  it("PSR at the minimum track-record length is the requested confidence", () => {
    const sr = 0.08;
    const len = minTrackRecordLength(sr, 0.02, -0.5, 5, 0.95);
    expectEqual(probabilisticSharpe(sr, 0.02, len, -0.5, 5), 0.95);
    expect(minTrackRecordLength(0.01, 0.02)).toBe(Number.POSITIVE_INFINITY);
  });

  it("one trial deflates nothing; more trials raise the bar", () => {
    expect(expectedMaxSharpe(1, 0.01)).toBe(0);
    expect(expectedMaxSharpe(1000, 0.01)).toBeGreaterThan(expectedMaxSharpe(10, 0.01));
  });

  it("control: random-signal strategies on SPY deflated by 200 trials have DSR < 0.5; even the luckiest is not significant", () => {
    const b = spy();
    const n = b.ts.length;
    const m = 200;
    const cfg = { signals: { hold_bars: 5 }, backtest: { guards: null } };
    const sig = new Int8Array(n * m);
    for (let c = 0; c < m; c++) sig.set(randomSignals(n, 1000 + c), c * n);
    const sw = sweep(b, sig, m, cfg);
    const trials = { count: m, sharpeVariance: variance(sw.sharpePerPeriod) };
    // Ten fresh control runs (shuffled-label style: no information), each judged against the trials.
    for (let k = 0; k < 10; k++) {
      const control = backtestReport(simulate({ bars: b, signal: randomSignals(n, 90_000 + k) }, cfg), { trials });
      expect(control.deflatedSharpe, `control ${k}`).toBeLessThan(0.5);
    }
    // Selecting the best of the 200 random trials: its PSR looks convincing, its DSR does not.
    let best = 0;
    for (let c = 1; c < m; c++) if (sw.sharpe[c] > sw.sharpe[best]) best = c;
    const top = backtestReport(simulate({ bars: b, signal: sig.subarray(best * n, (best + 1) * n) }, cfg), { trials });
    expect(top.returns.probabilisticSharpe).toBeGreaterThan(0.95);
    expect(top.deflatedSharpe).toBeLessThan(0.95);
  });
});

describe("a signal shuffled in time loses its edge (real SPY)", () => {
  it("perfect foresight vs its shuffle", () => {
    const b = spy();
    const n = b.ts.length;
    // Leaky: knows whether the next open-to-open move (the one it will hold) is up.
    const leak = new Int8Array(n);
    for (let t = 0; t + 2 < n; t++) leak[t] = b.open[t + 2] > b.open[t + 1] ? 1 : -1;
    const shuffled = Int8Array.from(leak);
    const r = rng(42);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const cfg = { signals: { hold_bars: 1 }, costs: { commission_bps: 1 }, backtest: { guards: null } };
    const good = backtestReport(simulate({ bars: b, signal: leak }, cfg));
    const bad = backtestReport(simulate({ bars: b, signal: shuffled }, cfg));
    expect(good.returns.sharpe).toBeGreaterThan(5);
    expect(Math.abs(bad.returns.sharpe)).toBeLessThan(1);
    expect(bad.returns.probabilisticSharpe).toBeLessThan(0.95);
  });
});

describe("probability of backtest overfitting (CSCV)", () => {
  it("a variant that dominates every block is never overfit: PBO 0, every logit ln 2 (N = 2)", () => {
    const nRows = 40;
    const r = rng(3);
    const matrix = new Float64Array(nRows * 2);
    for (let i = 0; i < nRows; i++) {
      const noise = r() - 0.5;
      matrix[i] = noise + (i % 2 ? 0.3 : 0.5);
      matrix[nRows + i] = noise;
    }
    const res = probabilityOfBacktestOverfitting(matrix, nRows, 2, 4);
    expect(res.splits).toBe(6);
    expect(res.pbo).toBe(0);
    for (const l of res.logits) expectEqual(l, Math.log(2));
  });

  it("noise variants (random signals on SPY) give PBO near one half", () => {
    const b = spy();
    const n = b.ts.length;
    const m = 50;
    const sig = new Int8Array(n * m);
    for (let c = 0; c < m; c++) sig.set(randomSignals(n, 500 + c), c * n);
    const sw = sweep(b, sig, m, { signals: { hold_bars: 5 }, backtest: { guards: null } }, { keepReturns: true });
    const res = probabilityOfBacktestOverfitting(sw.returns!, n, m, 10);
    expect(res.splits).toBe(252);
    expect(res.pbo).toBeGreaterThan(0.2);
    expect(res.pbo).toBeLessThan(0.8);
    // columnSharpes over bars 1..n-1 equals the sweep's own per-period Sharpe.
    const k = n - 1;
    const body = new Float64Array(k * m);
    for (let c = 0; c < m; c++) body.set(sw.returns!.subarray(c * n + 1, (c + 1) * n), c * k);
    const sr = columnSharpes(body, k, m);
    for (let c = 0; c < m; c++) expectEqual(sr[c], sw.sharpePerPeriod[c]);
  });

  it("rejects an odd number of blocks and a mis-sized matrix", () => {
    expect(() => probabilityOfBacktestOverfitting(new Float64Array(20), 10, 2, 3)).toThrow(/blocks/);
    expect(() => probabilityOfBacktestOverfitting(new Float64Array(19), 10, 2, 2)).toThrow(/nRows\*nCols/);
  });
});
