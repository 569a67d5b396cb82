import { LaggedStream, lagged } from "./_shared/lagged";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/** TA-Lib ROC: 0 when the reference value is 0. */
function rocValue(x: number, prev: number): number {
  return prev !== 0 ? (x / prev - 1) * 100 : 0;
}

/** Rate of change in percent (TA-Lib ROC): 100·(x_t/x_{t−period} − 1); first value at index period. */
export function roc(close: Float64Array, period = 10): Float64Array {
  return lagged("roc", close, period, rocValues);
}

function rocValues(close: Float64Array, period: number, out: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) out[i] = rocValue(close[i], close[i - period]);
}

export class RocStream extends LaggedStream {
  constructor(period = 10) {
    super("roc", period, rocValue);
  }
}

export const rocIndicator: IndicatorDescriptor = single({
  name: "roc",
  family: "momentum",
  params: period(10),
  warmUp: (p) => num(p, "period"),
  catalogId: "roc_10",
  batch: (b, p) => roc(b.close, num(p, "period")),
  stream: (p) => new RocStream(num(p, "period")),
});
