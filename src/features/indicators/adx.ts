import { eachCleanRun, nanArray } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod, checkSameLength, type OhlcvBar, type StreamingIndicator } from "./indicator";

export interface AdxOutput<T> {
  /** Average directional index; first value at index 2·period−1 (TA-Lib lookback). */
  readonly adx: T;
  /** +DI; first value at index period. */
  readonly plusDi: T;
  /** −DI; first value at index period. */
  readonly minusDi: T;
}

/** TA-Lib's TA_IS_ZERO. */
function isZero(v: number): boolean {
  return v > -1e-8 && v < 1e-8;
}

/**
 * One bar of Wilder's directional movement, exactly as TA-Lib's ADX / PLUS_DI / MINUS_DI:
 * the first period−1 bars after the first are summed raw, then every bar is Wilder-smoothed
 * (S ← S − S/period + x); DX is averaged over its first `period` values, then Wilder-smoothed.
 * Held in a small state object so the batch and the streaming twin run the same code.
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

  constructor(readonly period: number) {}

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
    this.minusDm -= this.minusDm / p;
    this.plusDm -= this.plusDm / p;
    if (diffM > 0 && diffP < diffM) this.minusDm += diffM;
    else if (diffP > 0 && diffP > diffM) this.plusDm += diffP;
    this.tr = this.tr - this.tr / p + tr;
    let dx = Number.NaN;
    if (!isZero(this.tr)) {
      this.minusDi = 100 * (this.minusDm / this.tr);
      this.plusDi = 100 * (this.plusDm / this.tr);
      const sum = this.minusDi + this.plusDi;
      if (!isZero(sum)) dx = 100 * (Math.abs(this.minusDi - this.plusDi) / sum);
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
      this.adx = this.sumDx / p;
    } else if (!Number.isNaN(dx)) {
      this.adx = (this.adx * (p - 1) + dx) / p;
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
  const adxOut = nanArray(n);
  const plusOut = nanArray(n);
  const minusOut = nanArray(n);
  const st = new DmState(period);
  eachCleanRun([high, low, close], (s, e) => {
    st.count = 0;
    st.plusDm = 0;
    st.minusDm = 0;
    st.tr = 0;
    st.sumDx = 0;
    for (let i = s; i < e; i++) {
      adxOut[i] = st.step(high[i], low[i], close[i]);
      if (i - s >= period) {
        plusOut[i] = st.plusDi;
        minusOut[i] = st.minusDi;
      }
    }
  });
  return { adx: adxOut, plusDi: plusOut, minusDi: minusOut };
}

export class AdxStream implements StreamingIndicator<AdxOutput<number>> {
  private st: DmState;

  constructor(readonly period = 14) {
    checkPeriod("adx", "period", period, 2);
    this.st = new DmState(period);
  }

  update(bar: OhlcvBar): AdxOutput<number> {
    const { high, low, close } = bar;
    if (Number.isNaN(high) || Number.isNaN(low) || Number.isNaN(close)) {
      this.st = new DmState(this.period);
      return { adx: Number.NaN, plusDi: Number.NaN, minusDi: Number.NaN };
    }
    const a = this.st.step(high, low, close);
    const warm = this.st.count <= this.period;
    return { adx: a, plusDi: warm ? Number.NaN : this.st.plusDi, minusDi: warm ? Number.NaN : this.st.minusDi };
  }
}
