import { LaggedStream, lagged } from "./_shared/lagged";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

function difference(x: number, prev: number): number {
  return x - prev;
}

/** Momentum (TA-Lib MOM): x_t − x_{t−period}; first value at index period. */
export function momentum(close: Float64Array, period = 10): Float64Array {
  return lagged("mom", close, period, differences);
}

function differences(close: Float64Array, period: number, out: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) out[i] = difference(close[i], close[i - period]);
}

export class MomentumStream extends LaggedStream {
  constructor(period = 10) {
    super("mom", period, difference);
  }
}

export const momentumIndicator: IndicatorDescriptor = single({
  name: "mom",
  family: "momentum",
  params: period(10),
  warmUp: (p) => num(p, "period"),
  catalogId: "mom_10",
  batch: (b, p) => momentum(b.close, num(p, "period")),
  stream: (p) => new MomentumStream(num(p, "period")),
});
