import { requireBars } from "./_shared/requireBars";
import { checkPeriod, checkSameLength } from "./indicator";
import { RollingCovariance } from "./_shared/rollingCovariance";
import { type IndicatorDescriptor, int, ticker, num } from "./descriptor";
import { pair } from "./_shared/describe";

/**
 * Rolling beta of an asset to a benchmark: cov(r_asset, r_bench) / var(r_bench) over the last
 * `period` pairs of one-bar log returns (both series aligned bar by bar by the caller). NaN when
 * the benchmark is flat over the window. Warm-up: `period` NaNs. NaN rule: a NaN close on
 * either side spoils the returns that use it; windows containing them are NaN.
 */
export function rollingBeta(close: Float64Array, benchmarkClose: Float64Array, period = 60): Float64Array {
  checkPeriod("rollingBeta", "period", period, 2);
  const n = checkSameLength("rollingBeta", { close, benchmarkClose });
  requireBars("rollingBeta", n, period, `period=${period}`);
  const out = new Float64Array(n);
  const c = new RollingCovariance(period);
  out[0] = Number.NaN;
  for (let i = 1; i < n; i++) {
    c.push(Math.log(close[i] / close[i - 1]), Math.log(benchmarkClose[i] / benchmarkClose[i - 1]));
    out[i] = c.ready ? c.slope() : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link rollingBeta}: `update(close, benchmarkClose)` per aligned bar. */
export class RollingBetaStream {
  private readonly c: RollingCovariance;
  private prev = Number.NaN;
  private prevBench = Number.NaN;
  private started = false;

  constructor(period = 60) {
    checkPeriod("rollingBeta", "period", period, 2);
    this.c = new RollingCovariance(period);
  }

  update(close: number, benchmarkClose: number): number {
    const first = !this.started;
    const r = Math.log(close / this.prev);
    const rb = Math.log(benchmarkClose / this.prevBench);
    this.started = true;
    this.prev = close;
    this.prevBench = benchmarkClose;
    if (first) return Number.NaN;
    this.c.push(r, rb);
    return this.c.ready ? this.c.slope() : Number.NaN;
  }
}

export const betaIndicator: IndicatorDescriptor = pair({
  name: "beta",
  params: [ticker("benchmark", "SPY"), int("period", 60, 2)],
  outputs: ["value"],
  warmUp: (p) => num(p, "period"),
  catalogId: "beta_60",
  single: true,
  batch: (c, bench, p) => ({ value: rollingBeta(c, bench, num(p, "period")) }),
  stream: (p) => new RollingBetaStream(num(p, "period")),
});
