import { checkPeriod } from "../indicator";
import { eachCleanRunRecursive } from "./cleanRuns";
import { requireBars } from "./requireBars";
import { taIsZero } from "./taIsZero";
import { ValueStream } from "./valueStream";

/**
 * The oscillators of Wilder's average gain G and loss L, as TA-Lib computes them:
 * RSI = 100·G/(G+L), CMO = 100·(G−L)/(G+L), both 0 when G+L is ~0 (TA_IS_ZERO, a flat series).
 * They differ only in the weight of L in the numerator; a number rather than a callback keeps
 * the loop monomorphic (a callback shared by RSI and CMO made RSI 4× slower once CMO had run).
 */
export type GainLossOscillator = "rsi" | "cmo";

const LOSS_WEIGHT: Record<GainLossOscillator, number> = { rsi: 0, cmo: 1 };

function oscillatorOf(gain: number, loss: number, lossWeight: number): number {
  const sum = gain + loss;
  return taIsZero(sum) ? 0 : 100 * ((gain - lossWeight * loss) / sum);
}

/**
 * The oscillator over `close`: first value at index `period`; a NaN poisons the averages until
 * `period` clean changes (period+1 clean bars) re-seed them.
 */
export function gainLossOscillator(kind: GainLossOscillator, close: Float64Array, period: number): Float64Array {
  checkPeriod(kind, "period", period, 2);
  requireBars(kind, close.length, period, `period=${period}`);
  const out = new Float64Array(close.length);
  eachCleanRunRecursive([close], [out], period, (s, e) => gainLossRun(kind, close, s, e, period, out));
  return out;
}

/**
 * The oscillator of src[start..end) (NaN-free) into out[start+period .. end): the averages
 * seeded with the plain mean of the first `period` changes, then Wilder-smoothed.
 */
export function gainLossRun(
  kind: GainLossOscillator,
  src: Float64Array,
  start: number,
  end: number,
  period: number,
  out: Float64Array,
): void {
  if (end - start <= period) return;
  const w = LOSS_WEIGHT[kind];
  let prevValue = src[start];
  let gain = 0;
  let loss = 0;
  for (let i = start + 1; i <= start + period; i++) {
    const v = src[i];
    const d = v - prevValue;
    prevValue = v;
    if (d < 0) loss -= d;
    else gain += d;
  }
  loss /= period;
  gain /= period;
  out[start + period] = oscillatorOf(gain, loss, w);
  // Wilder's update avg ← (avg·(p−1) + x)/p written as avg·a + x·b with the gain and loss of a
  // change taken branch-free from |d| ± d (an up/down branch mispredicts on real prices).
  const a = (period - 1) / period;
  const b = 0.5 / period;
  for (let i = start + period + 1; i < end; i++) {
    const v = src[i];
    const d = v - prevValue;
    prevValue = v;
    const ad = Math.abs(d);
    gain = gain * a + (ad + d) * b;
    loss = loss * a + (ad - d) * b;
    out[i] = oscillatorOf(gain, loss, w);
  }
}

/** Streaming twin of {@link gainLossOscillator}. */
export class GainLossStream extends ValueStream {
  private count = 0;
  private prevValue = 0;
  private gain = 0;
  private loss = 0;
  private readonly a: number;
  private readonly b: number;
  private readonly w: number;

  constructor(
    kind: GainLossOscillator,
    readonly period: number,
  ) {
    super();
    checkPeriod(kind, "period", period, 2);
    this.a = (period - 1) / period;
    this.b = 0.5 / period;
    this.w = LOSS_WEIGHT[kind];
  }

  protected step(x: number): number {
    const p = this.period;
    const t = this.count++;
    const d = x - this.prevValue;
    this.prevValue = x;
    if (t === 0) return Number.NaN;
    if (t > p) {
      const ad = Math.abs(d);
      this.gain = this.gain * this.a + (ad + d) * this.b;
      this.loss = this.loss * this.a + (ad - d) * this.b;
    } else {
      if (d < 0) this.loss -= d;
      else this.gain += d;
      if (t < p) return Number.NaN;
      this.loss /= p;
      this.gain /= p;
    }
    return oscillatorOf(this.gain, this.loss, this.w);
  }

  reset(): void {
    this.count = 0;
    this.prevValue = 0;
    this.gain = 0;
    this.loss = 0;
  }
}
