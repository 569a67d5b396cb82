import { eachCleanRunRecursive } from "./_shared/cleanRuns";
import { taIsZero } from "./_shared/taIsZero";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod, checkSameLength, type OhlcvBar, type StreamingIndicator, hlcMissing } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { multi } from "./_shared/describe";

export interface AdxOutput<T> {
  /** Average directional index; first value at index 2·period−1 (TA-Lib lookback). */
  readonly adx: T;
  /** +DI; first value at index period. */
  readonly plusDi: T;
  /** −DI; first value at index period. */
  readonly minusDi: T;
}

/**
 * One bar of Wilder's directional movement, exactly as TA-Lib's ADX / PLUS_DI / MINUS_DI:
 * the first period−1 bars after the first are summed raw, then every bar is Wilder-smoothed
 * (S ← S − S/period + x); DX is averaged over its first `period` values, then Wilder-smoothed.
 * The streaming twin's state; the batch kernel adxRun does the same arithmetic in locals.
 */
class DmState {
  prevHigh = 0;
  prevLow = 0;
  prevClose = 0;
  plusDm = 0;
  minusDm = 0;
  tr = 0;
  sumDx = 0;
  adx = 0;
  plusDi = Number.NaN;
  minusDi = Number.NaN;
  /** bars seen in the current clean run */
  count = 0;

  /** Wilder's S ← S − S/p written as S·keep (one multiply instead of a divide on the chain). */
  private readonly keep: number;
  private readonly inv: number;

  constructor(readonly period: number) {
    this.keep = (period - 1) / period;
    this.inv = 1 / period;
  }

  /** Feeds one bar; afterwards plusDi / minusDi / adx hold the values at this bar (NaN in warm-up). */
  step(high: number, low: number, close: number): number {
    const p = this.period;
    const t = this.count++;
    if (t === 0) {
      this.prevHigh = high;
      this.prevLow = low;
      this.prevClose = close;
      return Number.NaN;
    }
    const diffP = high - this.prevHigh;
    const diffM = this.prevLow - low;
    this.prevHigh = high;
    this.prevLow = low;
    let tr = high - low;
    const up = Math.abs(high - this.prevClose);
    if (up > tr) tr = up;
    const down = Math.abs(low - this.prevClose);
    if (down > tr) tr = down;
    this.prevClose = close;
    if (t < p) {
      if (diffM > 0 && diffP < diffM) this.minusDm += diffM;
      else if (diffP > 0 && diffP > diffM) this.plusDm += diffP;
      this.tr += tr;
      return Number.NaN;
    }
    const keep = this.keep;
    this.minusDm *= keep;
    this.plusDm *= keep;
    if (diffM > 0 && diffP < diffM) this.minusDm += diffM;
    else if (diffP > 0 && diffP > diffM) this.plusDm += diffP;
    this.tr = this.tr * keep + tr;
    let dx = Number.NaN;
    if (!taIsZero(this.tr)) {
      const scale = 100 / this.tr;
      this.minusDi = this.minusDm * scale;
      this.plusDi = this.plusDm * scale;
      const sum = this.minusDi + this.plusDi;
      if (!taIsZero(sum)) dx = (100 * Math.abs(this.minusDi - this.plusDi)) / sum;
    } else {
      this.minusDi = 0;
      this.plusDi = 0;
    }
    if (t < 2 * p - 1) {
      if (!Number.isNaN(dx)) this.sumDx += dx;
      return Number.NaN;
    }
    if (t === 2 * p - 1) {
      if (!Number.isNaN(dx)) this.sumDx += dx;
      this.adx = this.sumDx * this.inv;
    } else if (!Number.isNaN(dx)) {
      this.adx = this.adx * keep + dx * this.inv;
    }
    return this.adx;
  }
}

/**
 * ADX with +DI and −DI (Wilder, TA-Lib conventions: TA_IS_ZERO guards, DI = 0 when the smoothed
 * true range is zero, ADX unchanged on bars where DX is undefined). A NaN in high/low/close
 * restarts all three (the warm-up then runs again).
 */
export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): AdxOutput<Float64Array> {
  checkPeriod("adx", "period", period, 2);
  const n = checkSameLength("adx", { high, low, close });
  requireBars("adx", n, 2 * period - 1, `period=${period}`);
  const adxOut = new Float64Array(n);
  const plusOut = new Float64Array(n);
  const minusOut = new Float64Array(n);
  // Any NaN after the first bar makes the smoothed true range NaN for good.
  eachCleanRunRecursive([high, low, close], [adxOut, plusOut, minusOut], [2 * period - 1, period, period], (s, e) =>
    adxRun(high, low, close, s, e, period, adxOut, plusOut, minusOut),
  );
  return { adx: adxOut, plusDi: plusOut, minusDi: minusOut };
}

/**
 * The same arithmetic as DmState.step, with the state in locals: the batch kernel. (The state
 * object costs ~3× on a million bars; the streaming twin keeps it for clarity.)
 */
function adxRun(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  s: number,
  e: number,
  p: number,
  adxOut: Float64Array,
  plusOut: Float64Array,
  minusOut: Float64Array,
): void {
  if (e - s <= p) return;
  const keep = (p - 1) / p;
  const inv = 1 / p;
  let prevHigh = high[s];
  let prevLow = low[s];
  let prevClose = close[s];
  let plusDm = 0;
  let minusDm = 0;
  let trSum = 0;
  for (let i = s + 1; i < s + p; i++) {
    const h = high[i];
    const l = low[i];
    const diffP = h - prevHigh;
    const diffM = prevLow - l;
    prevHigh = h;
    prevLow = l;
    if (diffM > 0 && diffP < diffM) minusDm += diffM;
    else if (diffP > 0 && diffP > diffM) plusDm += diffP;
    trSum += Math.max(h - l, Math.max(Math.abs(h - prevClose), Math.abs(l - prevClose)));
    prevClose = close[i];
  }
  // From bar p on: DI from the smoothed sums. Phase 0 (bars p .. 2p−1) sums DX for the first
  // ADX; phase 1 Wilder-smooths it (unchanged on bars where DX is undefined). One body for both:
  // the phase is constant through each inner loop, so its branches cost next to nothing.
  const adxStart = s + 2 * p - 1;
  let sumDx = 0;
  let adx = 0;
  let i = s + p;
  for (let phase = 0; phase < 2; phase++) {
    const to = phase === 0 ? Math.min(e, adxStart + 1) : e;
    for (; i < to; i++) {
      const h = high[i];
      const l = low[i];
      const diffP = h - prevHigh;
      const diffM = prevLow - l;
      prevHigh = h;
      prevLow = l;
      const tr = Math.max(h - l, Math.max(Math.abs(h - prevClose), Math.abs(l - prevClose)));
      prevClose = close[i];
      minusDm *= keep;
      plusDm *= keep;
      if (diffM > 0 && diffP < diffM) minusDm += diffM;
      else if (diffP > 0 && diffP > diffM) plusDm += diffP;
      trSum = trSum * keep + tr;
      let minusDi = 0;
      let plusDi = 0;
      if (!taIsZero(trSum)) {
        const scale = 100 / trSum;
        minusDi = minusDm * scale;
        plusDi = plusDm * scale;
        const sum = minusDi + plusDi;
        if (!taIsZero(sum)) {
          const dx = (100 * Math.abs(minusDi - plusDi)) / sum;
          if (phase === 0) sumDx += dx;
          else adx = adx * keep + dx * inv;
        }
      }
      plusOut[i] = plusDi;
      minusOut[i] = minusDi;
      if (phase === 1) adxOut[i] = adx;
    }
    if (phase === 0) {
      if (i <= adxStart) return;
      adx = sumDx * inv;
      adxOut[adxStart] = adx;
    }
  }
}

export class AdxStream implements StreamingIndicator<AdxOutput<number>> {
  private st: DmState;

  constructor(readonly period = 14) {
    checkPeriod("adx", "period", period, 2);
    this.st = new DmState(period);
  }

  update(bar: OhlcvBar): AdxOutput<number> {
    const { high, low, close } = bar;
    if (hlcMissing(bar)) {
      this.st = new DmState(this.period);
      return { adx: Number.NaN, plusDi: Number.NaN, minusDi: Number.NaN };
    }
    const a = this.st.step(high, low, close);
    const warm = this.st.count <= this.period;
    return { adx: a, plusDi: warm ? Number.NaN : this.st.plusDi, minusDi: warm ? Number.NaN : this.st.minusDi };
  }
}

export const adxIndicator: IndicatorDescriptor = multi({
  name: "adx",
  family: "trend",
  params: period(14),
  outputs: ["adx", "plusDi", "minusDi"],
  warmUp: (p) => 2 * num(p, "period") - 1,
  catalogId: "adx_14",
  batch: (b, p) => adx(b.high, b.low, b.close, num(p, "period")),
  stream: (p) => new AdxStream(num(p, "period")),
});
