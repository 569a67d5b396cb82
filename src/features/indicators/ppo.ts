import { type CombineAverages, PriceOscillatorStream, priceOscillator } from "./_shared/priceOscillator";
import { taIsZero } from "./_shared/taIsZero";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { single } from "./_shared/describe";

/** 100·(fast − slow)/slow; 0 when the slow MA is ~0 (TA-Lib's TA_IS_ZERO test in TA_INT_PO). */
function ppoOf(fast: number, slow: number): number {
  return taIsZero(slow) ? 0 : ((fast - slow) / slow) * 100;
}

/**
 * Percentage price oscillator (TA-Lib PPO with its default MA type, SMA):
 * 100·(SMA(fast) − SMA(slow)) / SMA(slow). Only the SMA is supported. First value at index
 * slowPeriod−1.
 */
export function ppo(close: Float64Array, fastPeriod = 12, slowPeriod = 26): Float64Array {
  return priceOscillator("ppo", close, fastPeriod, slowPeriod, ppoValues);
}

const ppoValues: CombineAverages = (fast, slow, from, to, out) => {
  for (let i = from; i < to; i++) out[i] = ppoOf(fast[i], slow[i]);
};

export class PpoStream extends PriceOscillatorStream {
  constructor(fastPeriod = 12, slowPeriod = 26) {
    super("ppo", fastPeriod, slowPeriod);
  }

  protected value(fast: number, slow: number): number {
    return ppoOf(fast, slow);
  }
}

export const ppoIndicator: IndicatorDescriptor = single({
  name: "ppo",
  family: "momentum",
  params: [int("fast", 12, 2), int("slow", 26, 2)],
  warmUp: (p) => num(p, "slow") - 1,
  catalogId: "ppo_12_26",
  batch: (b, p) => ppo(b.close, num(p, "fast"), num(p, "slow")),
  stream: (p) => new PpoStream(num(p, "fast"), num(p, "slow")),
});
