/**
 * Active (benchmark-neutral) returns, the basis of the deflated Sharpe the promotion gate reads:
 *   a[t] = (r[t] - rf) - beta (b[t] - rf),  beta = OLS slope of r on b (population moments, as
 *   in returnStatistics).
 * Why the full-sample beta rather than the bar-by-bar exposure e[t-1] b[t]: a strategy that
 * trades the benchmark itself earns r[t] ≈ e[t-1] b[t] minus costs, so subtracting its own
 * exposure would subtract its timing skill too (every strategy, a perfect-foresight one included,
 * would score ≈ -costs). Writing r ≈ e[t-1] b[t], its mean is mean(e) mean(b) + cov(e[t-1], b[t]):
 * the first term is the drift any long bias harvests, the second is timing. beta ≈ mean(e) when
 * the exposure does not predict the benchmark, so `a` keeps cov(e, b) (skill) and drops the
 * drift; its Sharpe is the appraisal ratio (Jensen's alpha over residual risk).
 * With volatility-target sizing the benchmark is held under the same rule (sizedBenchmarkReturns):
 * scaling exposure down when volatility is high earns a Sharpe of its own on a rising index, which
 * the sizing rule, not the model, produces; against the plain benchmark a shuffled-label control
 * would keep it as "skill".
 */
import type { SizingConfig } from "./config";
import { moments } from "./returnStatistics";
import { rollingVolatility } from "./rollingVolatility";
import { positionFraction } from "./sizing";

export interface ActiveReturns {
  beta: number;
  /** Per period, the risk-free rate taken out: (r - rf) - beta (b - rf). */
  returns: Float64Array;
}

/** Active returns of `returns` against `benchmark` (aligned); `riskFree` is per period. */
export function activeReturns(returns: Float64Array, benchmark: Float64Array, riskFree = 0): ActiveReturns {
  const n = returns.length;
  if (benchmark.length !== n) throw new Error(`activeReturns: benchmark has length ${benchmark.length}, expected ${n}`);
  if (n < 2) throw new Error(`activeReturns: need at least 2 returns, got ${n}`);
  let mr = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    mr += returns[i];
    mb += benchmark[i];
  }
  mr /= n;
  mb /= n;
  let cov = 0;
  let varb = 0;
  for (let i = 0; i < n; i++) {
    const d = benchmark[i] - mb;
    cov += d * (returns[i] - mr);
    varb += d * d;
  }
  if (!(varb / n > 1e-30)) throw new Error("activeReturns: the benchmark's returns are constant (no beta)");
  const beta = cov / varb;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = returns[i] - riskFree - beta * (benchmark[i] - riskFree);
  return { beta, returns: out };
}

/** Per-period Sharpe (mean over std ddof 1), skew and kurtosis of a series, for PSR/DSR. */
export function sharpeMoments(x: Float64Array): { sharpePerPeriod: number; skew: number; kurtosis: number } {
  const n = x.length;
  const m = moments(x);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - m.mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  return { sharpePerPeriod: sd > 0 ? m.mean / sd : 0, skew: m.skew, kurtosis: m.kurtosis };
}

/**
 * The benchmark's returns (close to close, `returns[t-1]` for bar t, as the report's series) held
 * at the weight the sizing rule gives it at the previous close: the rule's own fraction for
 * `vol_target` (0 before the volatility exists), 1 otherwise (fixed and Kelly sizes carry no
 * view of the benchmark's risk).
 */
export function sizedBenchmarkReturns(close: Float64Array, sizing: SizingConfig, periodsPerYear: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n - 1);
  const sigma = sizing.kind === "vol_target" ? rollingVolatility(close, sizing.vol_lookback) : null;
  const sqrtPpy = Math.sqrt(periodsPerYear);
  for (let t = 1; t < n; t++) {
    let w = 1;
    if (sigma) {
      const f = positionFraction(sizing, {
        sigmaAnnual: sigma[t - 1] * sqrtPpy,
        probability: Number.NaN,
        payoffRatio: 1,
      });
      w = Number.isNaN(f) ? 0 : f;
    }
    out[t - 1] = w * (close[t] / close[t - 1] - 1);
  }
  return out;
}
