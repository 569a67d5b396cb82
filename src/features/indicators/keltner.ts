import { AtrStream, atr } from "./atr";
import { checkRealParam, requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength, hlcMissing } from "./indicator";
import { type IndicatorDescriptor, int, real, num } from "./descriptor";
import { channel } from "./_shared/describe";

export interface KeltnerChannel<T> {
  upper: T;
  middle: T;
  lower: T;
}

export interface KeltnerOptions {
  /** EMA period of the middle line (default 20). */
  period?: number;
  /** ATR period of the band width (default 10). */
  atrPeriod?: number;
  /** Band half-width in ATRs (default 2). */
  multiplier?: number;
}

function resolve(o: KeltnerOptions): Required<KeltnerOptions> {
  const period = o.period ?? 20;
  const atrPeriod = o.atrPeriod ?? 10;
  const multiplier = o.multiplier ?? 2;
  checkPeriod("keltner", "period", period);
  checkPeriod("keltner", "atrPeriod", atrPeriod);
  checkRealParam("keltner", "multiplier", multiplier, 0, 100);
  return { period, atrPeriod, multiplier };
}

/**
 * Keltner channel (Raschke's modern form): middle = EMA(close, period) seeded TA-Lib style with
 * the SMA of the first `period` closes, bands = middle ± multiplier · ATR(atrPeriod) (Wilder,
 * see {@link atr}). Warm-up: max(period − 1, atrPeriod) NaNs.
 * NaN rule: both parts are recursive; a NaN bar outputs NaN and restarts both, so the values
 * after it equal the channel computed on the bars after the NaN alone.
 */
export function keltner(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options: KeltnerOptions = {},
): KeltnerChannel<Float64Array> {
  const { period, atrPeriod, multiplier } = resolve(options);
  const n = checkSameLength("keltner", { high, low, close });
  requireBars("keltner", n, Math.max(period - 1, atrPeriod), `period=${period}, atrPeriod=${atrPeriod}`);
  // The ATR's array becomes the lower band: each bar's ATR is read before the band is written there.
  const lower = atr(high, low, close, atrPeriod);
  const upper = new Float64Array(n);
  const middle = new Float64Array(n);
  keltnerRun(high, low, close, period, multiplier, upper, middle, lower);
  return { upper, middle, lower };
}

/**
 * The channel from the ATR in `lower`, in a module-level function of arrays and numbers so that
 * its optimised code outlives the call (keltner's own code depends on the options object's shape).
 */
function keltnerRun(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  multiplier: number,
  upper: Float64Array,
  middle: Float64Array,
  lower: Float64Array,
): void {
  const n = close.length;
  const alpha = 2 / (period + 1);
  let count = 0;
  let ema = 0;
  for (let i = 0; i < n; i++) {
    const c = close[i];
    if (Number.isNaN(high[i]) || Number.isNaN(low[i]) || Number.isNaN(c)) {
      count = 0;
      upper[i] = middle[i] = lower[i] = Number.NaN;
      continue;
    }
    count++;
    if (count <= period) {
      ema = count === 1 ? c : ema + c;
      if (count === period) ema /= period;
    } else {
      ema += alpha * (c - ema);
    }
    const a = lower[i];
    if (count >= period && !Number.isNaN(a)) {
      middle[i] = ema;
      upper[i] = ema + multiplier * a;
      lower[i] = ema - multiplier * a;
    } else {
      upper[i] = middle[i] = lower[i] = Number.NaN;
    }
  }
}

/** Streaming twin of {@link keltner}. */
export class KeltnerStream implements StreamingIndicator<KeltnerChannel<number>> {
  private readonly period: number;
  private readonly multiplier: number;
  private readonly alpha: number;
  private readonly atr: AtrStream;
  private count = 0;
  private ema = 0;

  constructor(options: KeltnerOptions = {}) {
    const { period, atrPeriod, multiplier } = resolve(options);
    this.period = period;
    this.multiplier = multiplier;
    this.alpha = 2 / (period + 1);
    this.atr = new AtrStream(atrPeriod);
  }

  update(bar: OhlcvBar): KeltnerChannel<number> {
    const a = this.atr.update(bar);
    const c = bar.close;
    const nan = { upper: Number.NaN, middle: Number.NaN, lower: Number.NaN };
    if (hlcMissing(bar)) {
      this.count = 0;
      return nan;
    }
    const p = this.period;
    this.count++;
    if (this.count <= p) {
      this.ema = this.count === 1 ? c : this.ema + c;
      if (this.count === p) this.ema /= p;
    } else {
      this.ema += this.alpha * (c - this.ema);
    }
    if (this.count < p || Number.isNaN(a)) return nan;
    return { upper: this.ema + this.multiplier * a, middle: this.ema, lower: this.ema - this.multiplier * a };
  }
}

export const keltnerIndicator: IndicatorDescriptor = channel({
  name: "keltner",
  params: [int("period", 20), int("atr_period", 10), real("multiplier", 2, 0, 100)],
  warmUp: (p) => Math.max(num(p, "period") - 1, num(p, "atr_period")),
  catalogId: "keltner_20_10_2",
  batch: (b, p) =>
    keltner(b.high, b.low, b.close, {
      period: num(p, "period"),
      atrPeriod: num(p, "atr_period"),
      multiplier: num(p, "multiplier"),
    }),
  stream: (p) =>
    new KeltnerStream({ period: num(p, "period"), atrPeriod: num(p, "atr_period"), multiplier: num(p, "multiplier") }),
});
