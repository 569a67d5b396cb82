import { AtrStream, atr } from "./atr";
import { requireBars } from "./_shared/requireBars";
import { taIsZero } from "./_shared/taIsZero";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single } from "./_shared/describe";

/** TA-Lib: 0 when the close is zero by TA_IS_ZERO (warm-up NaNs stay NaN). */
function natrOf(atrValue: number, close: number): number {
  return taIsZero(close) && !Number.isNaN(atrValue) ? 0 : (100 * atrValue) / close;
}

/**
 * Normalised ATR (TA-Lib NATR): 100 · ATR(period) / close, so volatility is comparable across
 * price levels. Warm-up and NaN rule are those of {@link atr}.
 */
export function natr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  checkPeriod("natr", "period", period);
  const n = checkSameLength("natr", { high, low, close });
  requireBars("natr", n, period, `period=${period}`);
  const out = atr(high, low, close, period);
  for (let i = 0; i < out.length; i++) out[i] = natrOf(out[i], close[i]);
  return out;
}

/** Streaming twin of {@link natr}. */
export class NatrStream implements StreamingIndicator<number> {
  private readonly atr: AtrStream;

  constructor(period = 14) {
    checkPeriod("natr", "period", period);
    this.atr = new AtrStream(period);
  }

  update(bar: OhlcvBar): number {
    return natrOf(this.atr.update(bar), bar.close);
  }
}

export const natrIndicator: IndicatorDescriptor = single({
  name: "natr",
  family: "volatility",
  params: period(14),
  warmUp: (p) => num(p, "period"),
  catalogId: "natr_14",
  batch: (b, p) => natr(b.high, b.low, b.close, num(p, "period")),
  stream: (p) => new NatrStream(num(p, "period")),
});
