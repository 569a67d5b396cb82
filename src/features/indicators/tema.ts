import { type CascadeCombine, EmaCascadeStream, emaCascade } from "./_shared/emaCascade";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { level } from "./_shared/describe";

/**
 * Triple EMA (TA-Lib TEMA): 3·E1 − 3·E2 + E3 with E2 = EMA(E1), E3 = EMA(E2), each seeded with
 * the SMA of its first `period` inputs; first value at index 3·(period−1). TA-Lib's operation
 * order, E3 + (3·E1 − 3·E2), so values match it to the last bits.
 */
export function tema(close: Float64Array, period = 20): Float64Array {
  return emaCascade("tema", close, period, 3, temaOf);
}

const temaOf: CascadeCombine = ([e1, e2, e3], sh, from, to, out) => {
  for (let i = from; i < to; i++) out[i] = e3[i - sh] + (3 * e1[i - sh] - 3 * e2[i - sh]);
};

export class TemaStream extends EmaCascadeStream {
  constructor(readonly period = 20) {
    super("tema", period, 3);
  }

  protected combine(e: Float64Array): number {
    return e[2] + (3 * e[0] - 3 * e[1]);
  }
}

/** The tema feature: the level and the close's distance from it. */
export const temaIndicator: IndicatorDescriptor = level({
  name: "tema",
  family: "trend",
  params: period(20),
  warmUp: (p) => 3 * (num(p, "period") - 1),
  catalogId: "tema_20",
  batch: (b, p) => tema(b.close, num(p, "period")),
  stream: (p) => new TemaStream(num(p, "period")),
});
