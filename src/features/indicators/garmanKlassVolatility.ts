import { RangeVolatilityStream, rangeVolatility } from "./_shared/rangeVolatility";
import type { OhlcvBar } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

const CO_WEIGHT = 2 * Math.LN2 - 1;

/** Garman–Klass per-bar variance term: ½ ln(H/L)² − (2 ln 2 − 1) ln(C/O)². */
function term(open: number, high: number, low: number, close: number): number {
  const hl = Math.log(high / low);
  const co = Math.log(close / open);
  return 0.5 * hl * hl - CO_WEIGHT * co * co;
}

function termOf(bar: OhlcvBar): number {
  return term(bar.open, bar.high, bar.low, bar.close);
}

/**
 * Garman–Klass (1980) OHLC volatility: √(annualization · mean(term)) over the last `period`
 * bars, term = ½ ln(H/L)² − (2 ln 2 − 1) ln(C/O)². The mean can dip below zero on windows
 * of bars that close far from the open inside a narrow range; it is floored at 0 (volatility 0)
 * rather than reported as NaN. Warm-up: period − 1 NaNs. NaN rule: windows containing a NaN
 * open/high/low/close are NaN.
 */
export function garmanKlassVolatility(
  open: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 20,
  annualization = 252,
): Float64Array {
  return rangeVolatility(
    { indicator: "garmanKlassVolatility", period, annualization, scale: 1 },
    { open, high, low, close },
    (terms) => {
      for (let i = 0; i < terms.length; i++) terms[i] = term(open[i], high[i], low[i], close[i]);
    },
  );
}

/** Streaming twin of {@link garmanKlassVolatility}. */
export class GarmanKlassVolatilityStream extends RangeVolatilityStream {
  constructor(period = 20, annualization = 252) {
    super({ indicator: "garmanKlassVolatility", period, annualization, scale: 1 }, termOf);
  }
}

export const garmanKlassVolatilityIndicator: IndicatorDescriptor = single({
  name: "volatility_gk",
  family: "volatility",
  params: period(20),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "volatility_garman_klass_20",
  batch: (b, p) => garmanKlassVolatility(b.open, b.high, b.low, b.close, num(p, "period"), 252),
  stream: (p) => new GarmanKlassVolatilityStream(num(p, "period"), 252),
});
