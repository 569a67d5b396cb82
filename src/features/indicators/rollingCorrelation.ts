import { requireBars } from "./_shared/requireBars";
import { checkPeriod, checkSameLength } from "./indicator";
import { RollingCovariance } from "./_shared/rollingCovariance";
import { type IndicatorDescriptor, int, ticker, num } from "./descriptor";
import { pair } from "./_shared/describe";

/**
 * Rolling Pearson correlation of the one-bar log returns of an asset and a benchmark over the
 * last `period` pairs (series aligned bar by bar by the caller). NaN when either side is flat
 * over the window. Warm-up: `period` NaNs. NaN rule: a NaN close on either side spoils the
 * returns that use it; windows containing them are NaN.
 */
export function rollingCorrelation(close: Float64Array, benchmarkClose: Float64Array, period = 60): Float64Array {
  checkPeriod("rollingCorrelation", "period", period, 2);
  const n = checkSameLength("rollingCorrelation", { close, benchmarkClose });
  requireBars("rollingCorrelation", n, period, `period=${period}`);
  const out = new Float64Array(n);
  const c = new RollingCovariance(period);
  out[0] = Number.NaN;
  for (let i = 1; i < n; i++) {
    c.push(Math.log(close[i] / close[i - 1]), Math.log(benchmarkClose[i] / benchmarkClose[i - 1]));
    out[i] = c.ready ? c.correlation() : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link rollingCorrelation}: `update(close, benchmarkClose)` per aligned bar. */
export class RollingCorrelationStream {
  private readonly c: RollingCovariance;
  private prev = Number.NaN;
  private prevBench = Number.NaN;
  private started = false;

  constructor(period = 60) {
    checkPeriod("rollingCorrelation", "period", period, 2);
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
    return this.c.ready ? this.c.correlation() : Number.NaN;
  }
}

export const correlationIndicator: IndicatorDescriptor = pair({
  name: "correlation",
  params: [ticker("benchmark", "SPY"), int("period", 60, 2)],
  outputs: ["value"],
  warmUp: (p) => num(p, "period"),
  catalogId: "correlation_60",
  single: true,
  batch: (c, bench, p) => ({ value: rollingCorrelation(c, bench, num(p, "period")) }),
  stream: (p) => new RollingCorrelationStream(num(p, "period")),
});
