import { eachCleanRun } from "./_shared/cleanRuns";
import { checkRealParam, requireBars } from "./_shared/requireBars";
import { checkSameLength, IndicatorError, type OhlcvBar, type StreamingIndicator } from "./indicator";
import { type IndicatorDescriptor, real, num } from "./descriptor";
import { level } from "./_shared/describe";

function checkSar(acceleration: number, maximum: number): void {
  checkRealParam("psar", "maximum", maximum, 0, 1);
  checkRealParam("psar", "acceleration", acceleration, 0, 1);
  if (acceleration > maximum) {
    throw new IndicatorError("psar", `parameter acceleration must be <= maximum (${maximum}), got ${acceleration}`);
  }
}

/**
 * Wilder's parabolic SAR state, stepped exactly as TA-Lib's SAR: the initial direction comes
 * from the first bar pair's −DM (short if −DM > 0), the first SAR is the first bar's extreme,
 * and the SAR is kept outside the previous and current bar's range. The value at bar t is the
 * stop in force during bar t (known at its close), so it has no look-ahead.
 */
class SarState {
  isLong = true;
  sar = 0;
  ep = 0;
  af = 0;
  newHigh = 0;
  newLow = 0;
  count = 0;

  constructor(
    readonly acceleration: number,
    readonly maximum: number,
  ) {}

  step(high: number, low: number): number {
    const t = this.count++;
    if (t === 0) {
      this.newHigh = high;
      this.newLow = low;
      return Number.NaN;
    }
    const accel = this.acceleration;
    if (t === 1) {
      const diffP = high - this.newHigh;
      const diffM = this.newLow - low;
      this.isLong = !(diffM > 0 && diffP < diffM);
      this.af = accel;
      if (this.isLong) {
        this.ep = high;
        this.sar = this.newLow;
      } else {
        this.ep = low;
        this.sar = this.newHigh;
      }
      // TA-Lib's first iteration uses the current bar as the "previous" one too.
      this.newHigh = high;
      this.newLow = low;
    }
    const prevLow = this.newLow;
    const prevHigh = this.newHigh;
    this.newLow = low;
    this.newHigh = high;
    let out: number;
    let sar = this.sar;
    if (this.isLong) {
      if (low <= sar) {
        this.isLong = false;
        sar = this.ep;
        if (sar < prevHigh) sar = prevHigh;
        if (sar < high) sar = high;
        out = sar;
        this.af = accel;
        this.ep = low;
        sar = sar + this.af * (this.ep - sar);
        if (sar < prevHigh) sar = prevHigh;
        if (sar < high) sar = high;
      } else {
        out = sar;
        if (high > this.ep) {
          this.ep = high;
          this.af += accel;
          if (this.af > this.maximum) this.af = this.maximum;
        }
        sar = sar + this.af * (this.ep - sar);
        if (sar > prevLow) sar = prevLow;
        if (sar > low) sar = low;
      }
    } else if (high >= sar) {
      this.isLong = true;
      sar = this.ep;
      if (sar > prevLow) sar = prevLow;
      if (sar > low) sar = low;
      out = sar;
      this.af = accel;
      this.ep = high;
      sar = sar + this.af * (this.ep - sar);
      if (sar > prevLow) sar = prevLow;
      if (sar > low) sar = low;
    } else {
      out = sar;
      if (low < this.ep) {
        this.ep = low;
        this.af += accel;
        if (this.af > this.maximum) this.af = this.maximum;
      }
      sar = sar + this.af * (this.ep - sar);
      if (sar < prevHigh) sar = prevHigh;
      if (sar < high) sar = high;
    }
    this.sar = sar;
    return out;
  }
}

/** Parabolic SAR (TA-Lib SAR, acceleration 0.02, maximum 0.2); first value at index 1. */
export function parabolicSar(high: Float64Array, low: Float64Array, acceleration = 0.02, maximum = 0.2): Float64Array {
  checkSar(acceleration, maximum);
  const n = checkSameLength("psar", { high, low });
  requireBars("psar", n, 1, `acceleration=${acceleration}`);
  const out = new Float64Array(n);
  eachCleanRun([high, low], [out], 1, (s, e) => {
    const st = new SarState(acceleration, maximum);
    for (let i = s; i < e; i++) out[i] = st.step(high[i], low[i]);
  });
  return out;
}

export class ParabolicSarStream implements StreamingIndicator<number> {
  private st: SarState;

  constructor(
    readonly acceleration = 0.02,
    readonly maximum = 0.2,
  ) {
    checkSar(acceleration, maximum);
    this.st = new SarState(acceleration, maximum);
  }

  update(bar: OhlcvBar): number {
    if (Number.isNaN(bar.high) || Number.isNaN(bar.low)) {
      this.st = new SarState(this.acceleration, this.maximum);
      return Number.NaN;
    }
    return this.st.step(bar.high, bar.low);
  }
}

/** The psar feature: the level and the close's distance from it. */
export const psarIndicator: IndicatorDescriptor = level({
  name: "psar",
  family: "trend",
  params: [real("acceleration", 0.02, 0, 1), real("maximum", 0.2, 0, 1)],
  warmUp: () => 1,
  catalogId: "psar_0.02_0.2",
  batch: (b, p) => parabolicSar(b.high, b.low, num(p, "acceleration"), num(p, "maximum")),
  stream: (p) => new ParabolicSarStream(num(p, "acceleration"), num(p, "maximum")),
});
