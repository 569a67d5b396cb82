import { type CombineAverages, PriceOscillatorStream, priceOscillator } from "./_shared/priceOscillator";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { single } from "./_shared/describe";

const apoOf = (fast: number, slow: number): number => fast - slow;

/**
 * Absolute price oscillator (TA-Lib APO with its default MA type, SMA): SMA(fast) − SMA(slow).
 * Only the SMA is supported. First value at index slowPeriod−1.
 */
export function apo(close: Float64Array, fastPeriod = 12, slowPeriod = 26): Float64Array {
  return priceOscillator("apo", close, fastPeriod, slowPeriod, apoValues);
}

const apoValues: CombineAverages = (fast, slow, from, to, out) => {
  for (let i = from; i < to; i++) out[i] = apoOf(fast[i], slow[i]);
};

export class ApoStream extends PriceOscillatorStream {
  constructor(fastPeriod = 12, slowPeriod = 26) {
    super("apo", fastPeriod, slowPeriod);
  }

  protected value(fast: number, slow: number): number {
    return apoOf(fast, slow);
  }
}

export const apoIndicator: IndicatorDescriptor = single({
  name: "apo",
  family: "momentum",
  params: [int("fast", 12, 2), int("slow", 26, 2)],
  warmUp: (p) => num(p, "slow") - 1,
  catalogId: "apo_12_26",
  batch: (b, p) => apo(b.close, num(p, "fast"), num(p, "slow")),
  stream: (p) => new ApoStream(num(p, "fast"), num(p, "slow")),
});
