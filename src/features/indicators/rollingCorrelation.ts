import { ReturnPairsStream, rollingReturnPairs } from "./_shared/returnPairs";
import { type IndicatorDescriptor, int, ticker, num } from "./descriptor";
import { pair } from "./_shared/describe";

/**
 * Rolling Pearson correlation of the one-bar log returns of an asset and a benchmark over the
 * last `period` pairs (series aligned bar by bar by the caller). NaN when either side is flat
 * over the window. Warm-up: `period` NaNs. NaN rule: a NaN close on either side spoils the
 * returns that use it; windows containing them are NaN.
 */
export function rollingCorrelation(close: Float64Array, benchmarkClose: Float64Array, period = 60): Float64Array {
  return rollingReturnPairs("rollingCorrelation", "correlation", close, benchmarkClose, period);
}

/** Streaming twin of {@link rollingCorrelation}: `update(close, benchmarkClose)` per aligned bar. */
export class RollingCorrelationStream extends ReturnPairsStream {
  constructor(period = 60) {
    super("rollingCorrelation", "correlation", period);
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
