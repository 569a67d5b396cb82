import { type IndicatorDescriptor, num, period } from "./descriptor";
import { single } from "./_shared/describe";
import { GainLossStream, gainLossOscillator } from "./_shared/wilderGainLoss";

/**
 * Chande momentum oscillator as TA-Lib computes it: not Chande's plain sums over the window but
 * the Wilder-smoothed average gain G and loss L of its RSI, so CMO = 100·(G−L)/(G+L), 0 when
 * G+L is ~0 (TA_IS_ZERO). First value at index `period`; a NaN poisons the averages until
 * `period` clean changes re-seed them.
 */
export function cmo(close: Float64Array, period = 14): Float64Array {
  return gainLossOscillator("cmo", close, period);
}

export class CmoStream extends GainLossStream {
  constructor(period = 14) {
    super("cmo", period);
  }
}

export const cmoIndicator: IndicatorDescriptor = single({
  name: "cmo",
  family: "momentum",
  params: period(14),
  warmUp: (p) => num(p, "period"),
  catalogId: "cmo_14",
  batch: (b, p) => cmo(b.close, num(p, "period")),
  stream: (p) => new CmoStream(num(p, "period")),
});
