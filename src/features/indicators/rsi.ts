import { GainLossStream, gainLossOscillator, gainLossRun } from "./_shared/wilderGainLoss";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/**
 * Relative strength index (Wilder, TA-Lib RSI): 100·G/(G+L) of the average gain G and loss L,
 * seeded with the plain mean of the first `period` changes, then Wilder-smoothed; 0 when both
 * averages are ~0 (flat series, TA-Lib's convention). First value at index `period`. A NaN
 * poisons the averages; the RSI re-seeds after `period` clean changes (period+1 clean bars).
 */
export function rsi(close: Float64Array, period = 14): Float64Array {
  return gainLossOscillator("rsi", close, period);
}

/** RSI of src[start..end) (NaN-free) into out[start+period .. end); shared by Stochastic RSI. */
export function rsiRun(src: Float64Array, start: number, end: number, period: number, out: Float64Array): void {
  gainLossRun("rsi", src, start, end, period, out);
}

export class RsiStream extends GainLossStream {
  constructor(period = 14) {
    super("rsi", period);
  }
}

export const rsiIndicator: IndicatorDescriptor = single({
  name: "rsi",
  family: "momentum",
  params: period(14),
  warmUp: (p) => num(p, "period"),
  catalogId: "rsi_14",
  batch: (b, p) => rsi(b.close, num(p, "period")),
  stream: (p) => new RsiStream(num(p, "period")),
});
