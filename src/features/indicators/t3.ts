import { type CascadeCombine, EmaCascadeStream, emaCascade } from "./_shared/emaCascade";
import { type IndicatorDescriptor, int, num, real } from "./descriptor";
import { level } from "./_shared/describe";
import { checkPeriod, IndicatorError } from "./indicator";

/** Tillson's weights c1..c4 of E6..E3 for the volume factor v, in TA-Lib's operation order. */
function t3Weights(v: number): Float64Array {
  const v2 = v * v;
  const c1 = -v2 * v;
  const c2 = 3 * (v2 - c1);
  const c3 = -6 * v2 - 3 * (v - c1);
  const c4 = 1 + 3 * v - c1 + 3 * v2;
  return Float64Array.of(c1, c2, c3, c4);
}

function checkT3(period: number, vFactor: number): Float64Array {
  checkPeriod("t3", "period", period, 2);
  // TA-Lib's range for vFactor: [0, 1] (0 makes T3 the triple EMA E3).
  if (!Number.isFinite(vFactor) || vFactor < 0 || vFactor > 1)
    throw new IndicatorError("t3", `parameter vFactor must be a number in [0, 1], got ${vFactor}`);
  return t3Weights(vFactor);
}

/**
 * Tillson's T3 (TA-Lib T3): c1·E6 + c2·E5 + c3·E4 + c4·E3 over the six-level EMA cascade
 * E1 = EMA(x) … E6 = EMA(E5), each level seeded with the SMA of its first `period` inputs as
 * TA-Lib seeds them. First value at index 6·(period−1).
 */
export function t3(close: Float64Array, period = 5, vFactor = 0.7): Float64Array {
  return emaCascade("t3", close, period, 6, t3Of, 0, checkT3(period, vFactor));
}

/** c1·E6 + c2·E5 + c3·E4 + c4·E3 with the weights c of {@link t3Weights}. */
const t3Of: CascadeCombine = ([, , e3, e4, e5, e6], sh, from, to, out, c) => {
  const [c1, c2, c3, c4] = c;
  for (let i = from; i < to; i++) out[i] = c1 * e6[i - sh] + c2 * e5[i - sh] + c3 * e4[i - sh] + c4 * e3[i - sh];
};

export class T3Stream extends EmaCascadeStream {
  private readonly c: Float64Array;

  constructor(
    readonly period = 5,
    readonly vFactor = 0.7,
  ) {
    super("t3", period, 6);
    this.c = checkT3(period, vFactor);
  }

  protected combine(e: Float64Array): number {
    const c = this.c;
    return c[0] * e[5] + c[1] * e[4] + c[2] * e[3] + c[3] * e[2];
  }
}

/** The t3 feature: the level and the close's distance from it. */
export const t3Indicator: IndicatorDescriptor = level({
  name: "t3",
  family: "trend",
  params: [int("period", 5, 2), real("v_factor", 0.7, 0, 1)],
  warmUp: (p) => 6 * (num(p, "period") - 1),
  catalogId: "t3_5_0.7",
  batch: (b, p) => t3(b.close, num(p, "period"), num(p, "v_factor")),
  stream: (p) => new T3Stream(num(p, "period"), num(p, "v_factor")),
});
