import { ReturnPairsStream, rollingReturnPairs } from "./_shared/returnPairs";
import { type IndicatorDescriptor, int, ticker, num } from "./descriptor";
import { pair } from "./_shared/describe";

/**
 * Rolling beta of an asset to a benchmark: cov(r_asset, r_bench) / var(r_bench) over the last
 * `period` pairs of one-bar log returns (both series aligned bar by bar by the caller). NaN when
 * the benchmark is flat over the window. Warm-up: `period` NaNs. NaN rule: a NaN close on
 * either side spoils the returns that use it; windows containing them are NaN.
 */
export function rollingBeta(close: Float64Array, benchmarkClose: Float64Array, period = 60): Float64Array {
  return rollingReturnPairs("rollingBeta", "slope", close, benchmarkClose, period);
}

/** Streaming twin of {@link rollingBeta}: `update(close, benchmarkClose)` per aligned bar. */
export class RollingBetaStream extends ReturnPairsStream {
  constructor(period = 60) {
    super("rollingBeta", "slope", period);
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
