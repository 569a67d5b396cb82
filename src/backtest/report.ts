/**
 * The full statistics table of one simulation: return statistics (vs buy-and-hold of the
 * benchmark), trade statistics, exposure, turnover, capacity, PSR/DSR/MinTRL, breakdowns.
 * Statistics use bars 1..n-1: bar 0 can hold no position (a signal trades one bar later).
 * With a benchmark, the Sharpe, PSR and DSR are also computed on active returns (activeReturns.ts:
 * the strategy minus beta times the benchmark), which a long bias in a rising market cannot pass.
 */
import type { Bars } from "../data";
import { type SegmentStatistics, breakdownByRegime, breakdownByYear, stressBreakdown } from "./breakdowns";
import { activeReturns, sharpeMoments, sizedBenchmarkReturns } from "./activeReturns";
import { capacityEstimate } from "./capacity";
import { perPeriodRate, type ReturnStatistics, returnStatistics } from "./returnStatistics";
import { deflatedSharpe, minTrackRecordLength, probabilisticSharpe, type SharpeInputs } from "./sharpeInference";
import type { ReturnBasis, SimulationResult } from "./simulate";
import type { StressWindowName } from "./stressWindows";
import { type TradeStatistics, tradeStatistics } from "./tradeStatistics";

export interface ReportOptions {
  /** Buy-and-hold benchmark (same timestamps as the simulation). */
  benchmark?: Bars;
  /** Regime label per bar (-1 unlabeled) and the names the ids index. */
  regimes?: { ids: Int32Array; names: readonly string[] };
  stress?: readonly StressWindowName[];
  /**
   * Trials behind the selection of this configuration, for the deflated Sharpe; the variance of
   * the trials' per-period Sharpes, and of their active Sharpes (default: `sharpeVariance`).
   */
  trials?: { count: number; sharpeVariance: number; activeSharpeVariance?: number };
}

/**
 * The strategy against `beta` times the benchmark held under the strategy's sizing rule
 * (activeReturns.ts): skill beyond the benchmark.
 */
export interface ActiveStatistics {
  beta: number;
  /** Annualised Sharpe of the active returns (the appraisal ratio). */
  sharpe: number;
  sharpePerPeriod: number;
  /** Probability that the true active Sharpe exceeds 0. */
  probabilisticSharpe: number;
  /** Deflated Sharpe of the active returns; NaN without `trials`. */
  deflatedSharpe: number;
  expectedMaxSharpe: number;
  /** The active returns' Sharpe and moments, as the deflated Sharpe used them. */
  inputs: SharpeInputs;
}

export interface BacktestReport {
  returns: ReturnStatistics;
  trades: TradeStatistics;
  /** Share of bars with a position at the close. */
  exposure: number;
  /** Mean gross exposure at the close. */
  avgGrossExposure: number;
  /** Traded notional over equity per year (both sides counted). */
  annualTurnover: number;
  /** Capital at which costs eat half the gross edge (see capacity.ts). */
  capacity: number;
  /** Deflated Sharpe (probability) of the absolute returns (vs a zero Sharpe); NaN without `trials`. */
  deflatedSharpe: number;
  /** The same against the benchmark (active returns); null without a benchmark. */
  active: ActiveStatistics | null;
  /** Per-period Sharpe the trials would reach by luck (SR0); NaN without `trials`. */
  expectedMaxSharpe: number;
  /** The returns' Sharpe and moments, as the deflated Sharpe used them (recomputable later with other trials). */
  inputs: SharpeInputs;
  /** Bars of track record needed for PSR(0) >= 0.95. */
  minTrackRecordLength: number;
  returnBasis: ReturnBasis;
  /** Plain-language caveats the report must carry (e.g. price returns only). */
  notes: string[];
  byYear: SegmentStatistics[];
  byRegime: SegmentStatistics[];
  stress: SegmentStatistics[];
}

function benchmarkReturns(bench: Bars, ts: Float64Array): Float64Array {
  if (bench.ts.length !== ts.length || bench.ts[0] !== ts[0] || bench.ts[ts.length - 1] !== ts[ts.length - 1]) {
    throw new Error(
      `report: benchmark ${bench.ticker} has ${bench.ts.length} bars, expected the simulation's ${ts.length} (same timestamps)`,
    );
  }
  const out = new Float64Array(ts.length - 1);
  for (let t = 1; t < ts.length; t++) {
    if (bench.ts[t] !== ts[t])
      throw new Error(`report: benchmark ${bench.ticker} ts[${t}] differs from the simulation's`);
    out[t - 1] = bench.close[t] / bench.close[t - 1] - 1;
  }
  return out;
}

export function backtestReport(sim: SimulationResult, opts: ReportOptions = {}): BacktestReport {
  const n = sim.returns.length;
  if (n < 3) throw new Error(`report: need at least 3 bars, got ${n}`);
  if (opts.regimes && opts.regimes.ids.length !== n) {
    throw new Error(`report: regime ids have length ${opts.regimes.ids.length}, expected ${n} (one per bar)`);
  }
  const r = sim.returns.subarray(1);
  const ts = sim.ts.subarray(1);
  const exp = sim.grossExposure.subarray(1);
  const ppy = sim.periodsPerYear;
  const rf = sim.config.backtest.risk_free;
  const bench = opts.benchmark ? benchmarkReturns(opts.benchmark, sim.ts) : undefined;
  const stats = returnStatistics(r, { periodsPerYear: ppy, riskFree: rf, benchmark: bench });
  const trades = tradeStatistics(sim.trades);
  let held = 0;
  let grossSum = 0;
  for (let i = 0; i < exp.length; i++) {
    if (exp[i] > 0) held++;
    grossSum += exp[i];
  }
  let grossPnl = 0;
  let linear = 0;
  let impact = 0;
  for (let i = 0; i < sim.trades.length; i++) {
    grossPnl += sim.trades.grossPnl[i];
    impact += sim.trades.impactCosts[i];
    linear += sim.trades.costs[i] - sim.trades.impactCosts[i];
  }
  let dsr = Number.NaN;
  let sr0 = Number.NaN;
  const inputs: SharpeInputs = {
    sr: stats.sharpePerPeriod,
    nObs: r.length,
    skew: stats.skew,
    kurtosis: stats.kurtosis,
  };
  if (opts.trials) {
    const d = deflatedSharpe({
      ...inputs,
      nTrials: opts.trials.count,
      sharpeVariance: opts.trials.sharpeVariance,
    });
    dsr = d.dsr;
    sr0 = d.sr0;
  }
  let active: ActiveStatistics | null = null;
  if (opts.benchmark) {
    // The benchmark held under the strategy's sizing rule (vol targeting scales it; see activeReturns.ts).
    const sizedBench = sizedBenchmarkReturns(opts.benchmark.close, sim.config.sizing, ppy);
    const a = activeReturns(r, sizedBench, perPeriodRate(rf, ppy));
    const m = sharpeMoments(a.returns);
    const activeInputs: SharpeInputs = { sr: m.sharpePerPeriod, nObs: r.length, skew: m.skew, kurtosis: m.kurtosis };
    const d = opts.trials
      ? deflatedSharpe({
          ...activeInputs,
          nTrials: opts.trials.count,
          sharpeVariance: opts.trials.activeSharpeVariance ?? opts.trials.sharpeVariance,
        })
      : { dsr: Number.NaN, sr0: Number.NaN };
    active = {
      beta: a.beta,
      sharpe: m.sharpePerPeriod * Math.sqrt(ppy),
      sharpePerPeriod: m.sharpePerPeriod,
      probabilisticSharpe: probabilisticSharpe(m.sharpePerPeriod, 0, r.length, m.skew, m.kurtosis),
      deflatedSharpe: d.dsr,
      expectedMaxSharpe: d.sr0,
      inputs: activeInputs,
    };
  }
  const notes: string[] = [...stats.notes];
  if (sim.returnBasis === "price") {
    notes.push(
      "Returns are price returns: no dividends or adjusted series were given, so buy-and-hold understates total return.",
    );
  }
  if (rf === 0) notes.push("Risk-free rate is 0 (config backtest.risk_free).");
  if (!opts.trials) notes.push("Deflated Sharpe not computed: the number of trials was not given.");
  return {
    returns: stats,
    trades,
    exposure: held / exp.length,
    avgGrossExposure: grossSum / exp.length,
    annualTurnover: (sim.tradedFraction / r.length) * ppy,
    capacity: capacityEstimate({
      initialCapital: sim.initialCapital,
      grossPnl,
      linearCosts: linear,
      impactCosts: impact,
    }),
    deflatedSharpe: dsr,
    active,
    expectedMaxSharpe: sr0,
    inputs,
    minTrackRecordLength: minTrackRecordLength(stats.sharpePerPeriod, 0, stats.skew, stats.kurtosis),
    returnBasis: sim.returnBasis,
    notes,
    byYear: breakdownByYear(r, ts, ppy, exp),
    byRegime: opts.regimes ? breakdownByRegime(r, opts.regimes.ids.subarray(1), opts.regimes.names, ppy, exp) : [],
    stress: opts.stress ? stressBreakdown(r, ts, opts.stress, ppy, exp) : [],
  };
}
