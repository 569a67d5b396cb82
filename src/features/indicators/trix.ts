import { type CascadeCombine, EmaCascadeStream, emaCascade } from "./_shared/emaCascade";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/** TA-Lib's ROC of one bar in percent; 0 when the previous value is exactly 0 (TA-Lib's exact test). */
function oneBarRoc(x: number, prev: number): number {
  return prev !== 0 ? (x / prev - 1) * 100 : 0;
}

/**
 * TRIX (TA-Lib TRIX): the one-bar rate of change, in percent, of a triple EMA E3 = EMA(EMA(EMA(x)))
 * whose levels are each seeded with the SMA of their first `period` inputs (TA-Lib's seeding, no
 * unstable period). First value at index 3·(period−1) + 1.
 */
export function trix(close: Float64Array, period = 30): Float64Array {
  return emaCascade("trix", close, period, 3, trixOf, 1);
}

const trixOf: CascadeCombine = ([, , e3], sh, from, to, out) => {
  for (let i = from; i < to; i++) out[i] = oneBarRoc(e3[i - sh], e3[i - 1 - sh]);
};

export class TrixStream extends EmaCascadeStream {
  private prev = Number.NaN;

  constructor(readonly period = 30) {
    super("trix", period, 3);
  }

  override reset(): void {
    super.reset();
    this.prev = Number.NaN;
  }

  protected combine(e: Float64Array): number {
    const prev = this.prev;
    this.prev = e[2];
    return Number.isNaN(prev) ? Number.NaN : oneBarRoc(e[2], prev);
  }
}

export const trixIndicator: IndicatorDescriptor = single({
  name: "trix",
  family: "momentum",
  params: period(30),
  warmUp: (p) => 3 * (num(p, "period") - 1) + 1,
  catalogId: "trix_30",
  batch: (b, p) => trix(b.close, num(p, "period")),
  stream: (p) => new TrixStream(num(p, "period")),
});
