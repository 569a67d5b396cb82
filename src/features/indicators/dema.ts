import { type CascadeCombine, EmaCascadeStream, emaCascade } from "./_shared/emaCascade";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { level } from "./_shared/describe";

/**
 * Double EMA (TA-Lib DEMA): 2·EMA(x) − EMA(EMA(x)), each EMA seeded with the SMA of its first
 * `period` inputs (TA-Lib's seeding), so the first value is at index 2·(period−1).
 */
export function dema(close: Float64Array, period = 20): Float64Array {
  return emaCascade("dema", close, period, 2, demaOf);
}

const demaOf: CascadeCombine = ([e1, e2], sh, from, to, out) => {
  for (let i = from; i < to; i++) out[i] = 2 * e1[i - sh] - e2[i - sh];
};

export class DemaStream extends EmaCascadeStream {
  constructor(readonly period = 20) {
    super("dema", period, 2);
  }

  protected combine(e: Float64Array): number {
    return 2 * e[0] - e[1];
  }
}

/** The dema feature: the level and the close's distance from it. */
export const demaIndicator: IndicatorDescriptor = level({
  name: "dema",
  family: "trend",
  params: period(20),
  warmUp: (p) => 2 * (num(p, "period") - 1),
  catalogId: "dema_20",
  batch: (b, p) => dema(b.close, num(p, "period")),
  stream: (p) => new DemaStream(num(p, "period")),
});
