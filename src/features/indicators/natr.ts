import { AtrStream, atr } from "./atr";
import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";

/**
 * Normalised ATR (TA-Lib NATR): 100 · ATR(period) / close, so volatility is comparable across
 * price levels. Warm-up and NaN rule are those of {@link atr}.
 */
export function natr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  checkPeriod("natr", "period", period);
  const n = checkSameLength("natr", { high, low, close });
  requireBars("natr", n, period, `period=${period}`);
  const out = atr(high, low, close, period);
  for (let i = 0; i < out.length; i++) out[i] = (100 * out[i]) / close[i];
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
    return (100 * this.atr.update(bar)) / bar.close;
  }
}
