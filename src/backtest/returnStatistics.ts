/**
 * Statistics of a periodic simple-return series. Definitions follow empyrical(-reloaded), the
 * reference the tests compare against: sample std (ddof 1); Sortino's downside deviation
 * is the root mean square of min(r - rf, 0) over all periods; max drawdown is anchored at the
 * starting value; VaR is the linearly interpolated 5th percentile; CVaR the mean of the
 * floor((n-1)*0.05)+1 worst returns; beta uses population moments; alpha is annualised by
 * compounding the mean residual. The risk-free rate is annual and compounded to a per-period
 * rate: (1 + rf)^(1/periodsPerYear) - 1.
 *
 * Constant excess (or active) returns have zero variance, which rounding shows as a tiny sd
 * (zeroVariance.ts): the volatility is then 0, the Sharpe ratio, skew, kurtosis and PSR NaN
 * (undefined without variance), and `notes` says so.
 */
import { normCdf } from "./normal";
import { isZeroVariance, sharpeOf } from "./zeroVariance";

export interface ReturnStatisticsOptions {
  periodsPerYear: number;
  /** Annual risk-free rate (default 0). */
  riskFree?: number;
  /** Benchmark returns aligned with `returns` (buy-and-hold of the benchmark). */
  benchmark?: Float64Array;
}

export interface ReturnStatistics {
  periods: number;
  totalReturn: number;
  annualReturn: number;
  annualVolatility: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  maxDrawdown: number;
  /** Longest stretch, in bars, spent below a previous peak (to recovery or to the end). */
  maxDrawdownDuration: number;
  var95: number;
  cvar95: number;
  /** Per-period (non-annualised) Sharpe of excess returns, the SR of the PSR/DSR formulas. */
  sharpePerPeriod: number;
  /** Sample skewness (population moments, as in Bailey & López de Prado). */
  skew: number;
  /** Kurtosis, not excess (normal = 3). */
  kurtosis: number;
  /** Probability that the true Sharpe exceeds 0 (PSR with SR* = 0). */
  probabilisticSharpe: number;
  beta: number;
  alpha: number;
  /** Annualised mean active return over its std (ddof 1). */
  informationRatio: number;
  trackingError: number;
  /** Why a statistic is NaN or ±∞ rather than a number (zero variance); empty otherwise. */
  notes: string[];
}

export function perPeriodRate(annual: number, periodsPerYear: number): number {
  return (1 + annual) ** (1 / periodsPerYear) - 1;
}

function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

function stdDdof1(x: Float64Array, m: number): number {
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - m) * (x[i] - m);
  return Math.sqrt(ss / (x.length - 1));
}

/** numpy.percentile with linear interpolation. */
export function percentile(x: Float64Array, q: number): number {
  const s = Float64Array.from(x).sort();
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function maxDrawdown(returns: Float64Array): { maxDrawdown: number; duration: number } {
  let value = 1;
  let peak = 1;
  let mdd = 0;
  let run = 0;
  let longest = 0;
  for (let i = 0; i < returns.length; i++) {
    value *= 1 + returns[i];
    if (value >= peak) {
      peak = value;
      run = 0;
    } else {
      run++;
      if (run > longest) longest = run;
      const dd = value / peak - 1;
      if (dd < mdd) mdd = dd;
    }
  }
  return { maxDrawdown: mdd, duration: longest };
}

/** Skewness and kurtosis from population central moments. */
export function moments(x: Float64Array): { mean: number; skew: number; kurtosis: number } {
  const m = mean(x);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= x.length;
  m3 /= x.length;
  m4 /= x.length;
  return { mean: m, skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

export function returnStatistics(returns: Float64Array, opts: ReturnStatisticsOptions): ReturnStatistics {
  const n = returns.length;
  if (n < 2) throw new Error(`returnStatistics: need at least 2 returns, got ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(returns[i])) throw new Error(`returnStatistics: returns[${i}] is ${returns[i]}`);
  }
  const ppy = opts.periodsPerYear;
  const rf = perPeriodRate(opts.riskFree ?? 0, ppy);
  const excess = new Float64Array(n);
  for (let i = 0; i < n; i++) excess[i] = returns[i] - rf;

  let growth = 1;
  for (let i = 0; i < n; i++) growth *= 1 + returns[i];
  const totalReturn = growth - 1;
  const annualReturn = growth ** (ppy / n) - 1;
  const notes: string[] = [];
  const m = mean(returns);
  const sdRaw = stdDdof1(returns, m);
  const sd = isZeroVariance(sdRaw, m, n) ? 0 : sdRaw;
  const mx = mean(excess);
  const sdx = stdDdof1(excess, mx);
  const flatExcess = isZeroVariance(sdx, mx, n);
  const sharpePerPeriod = sharpeOf(mx, sdx, n);
  if (flatExcess) {
    notes.push(
      `The ${n} excess returns are constant (${mx.toPrecision(3)} per period): zero variance, so the Sharpe ratio, skew, kurtosis and PSR are undefined (NaN), not the rounding noise they would show.`,
    );
  }
  let down = 0;
  for (let i = 0; i < n; i++) if (excess[i] < 0) down += excess[i] * excess[i];
  const downside = Math.sqrt(down / n) * Math.sqrt(ppy);
  const { maxDrawdown: mdd, duration } = maxDrawdown(returns);
  const sorted = Float64Array.from(returns).sort();
  const cut = Math.floor((n - 1) * 0.05);
  let tail = 0;
  for (let i = 0; i <= cut; i++) tail += sorted[i];
  const mom = flatExcess ? { skew: Number.NaN, kurtosis: Number.NaN } : moments(excess);
  const psrDen = Math.sqrt(1 - mom.skew * sharpePerPeriod + ((mom.kurtosis - 1) / 4) * sharpePerPeriod ** 2);

  let beta = Number.NaN;
  let alpha = Number.NaN;
  let informationRatio = Number.NaN;
  let trackingError = Number.NaN;
  const b = opts.benchmark;
  if (b) {
    if (b.length !== n) throw new Error(`returnStatistics: benchmark has length ${b.length}, expected ${n}`);
    const mb = mean(b);
    let cov = 0;
    let varb = 0;
    for (let i = 0; i < n; i++) {
      const d = b[i] - mb;
      cov += d * returns[i];
      varb += d * d;
    }
    beta = varb / n < 1e-30 ? Number.NaN : cov / varb;
    let resid = 0;
    for (let i = 0; i < n; i++) resid += returns[i] - rf - beta * (b[i] - rf);
    alpha = (resid / n + 1) ** ppy - 1;
    const active = new Float64Array(n);
    for (let i = 0; i < n; i++) active[i] = returns[i] - b[i];
    const ma = mean(active);
    const sa = stdDdof1(active, ma);
    const flatActive = isZeroVariance(sa, ma, n);
    informationRatio = sharpeOf(ma, sa, n) * Math.sqrt(ppy);
    trackingError = flatActive ? 0 : sa * Math.sqrt(ppy);
    if (flatActive && ma !== 0) {
      notes.push(
        `The active returns against the benchmark are constant (${ma.toPrecision(3)} per period): zero tracking error, so the information ratio is undefined (NaN).`,
      );
    }
  }

  return {
    periods: n,
    totalReturn,
    annualReturn,
    annualVolatility: sd * Math.sqrt(ppy),
    sharpe: sharpePerPeriod * Math.sqrt(ppy),
    sortino: (mx * ppy) / downside,
    calmar: mdd < 0 ? annualReturn / -mdd : Number.NaN,
    maxDrawdown: mdd,
    maxDrawdownDuration: duration,
    var95: percentile(returns, 5),
    cvar95: tail / (cut + 1),
    sharpePerPeriod,
    skew: mom.skew,
    kurtosis: mom.kurtosis,
    probabilisticSharpe: flatExcess ? Number.NaN : normCdf((sharpePerPeriod * Math.sqrt(n - 1)) / psrDen),
    beta,
    alpha,
    informationRatio,
    trackingError,
    notes,
  };
}
