import { eachCleanRun } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { rollingMaxRun, rollingMinRun } from "./_shared/rollingExtremes";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { RollingExtremum } from "./_shared/rollingExtremum";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { channel } from "./_shared/describe";

export interface DonchianChannel<T> {
  /** Highest high of the last `period` bars, the current one included. */
  upper: T;
  /** (upper + lower) / 2. */
  middle: T;
  /** Lowest low of the last `period` bars. */
  lower: T;
}

/**
 * Donchian channel over the last `period` bars including the current one (TA-Lib MAX/MIN
 * windows). Warm-up: period − 1 NaNs. NaN rule: a NaN high (low) makes every window that
 * contains it NaN on both sides.
 */
export function donchian(high: Float64Array, low: Float64Array, period = 20): DonchianChannel<Float64Array> {
  checkPeriod("donchian", "period", period);
  const n = checkSameLength("donchian", { high, low });
  requireBars("donchian", n, period - 1, `period=${period}`);
  const upper = new Float64Array(n);
  const middle = new Float64Array(n);
  const lower = new Float64Array(n);
  eachCleanRun([high, low], [upper, middle, lower], period - 1, (s, e) =>
    donchianRun(high, low, period, s, e, upper, middle, lower),
  );
  return { upper, middle, lower };
}

/**
 * The channel over one clean run [s, e). The rolling extremes of rollingExtremes are the same
 * numbers as the streaming twin's deque (the extreme of a window, the latest on ties), found
 * with TA-Lib's rescan, which needs no per-call object.
 */
function donchianRun(
  high: Float64Array,
  low: Float64Array,
  period: number,
  s: number,
  e: number,
  upper: Float64Array,
  middle: Float64Array,
  lower: Float64Array,
): void {
  rollingMaxRun(high, s, e, period, upper);
  rollingMinRun(low, s, e, period, lower);
  for (let i = s + period - 1; i < e; i++) middle[i] = (upper[i] + lower[i]) / 2;
}

/** Streaming twin of {@link donchian}. */
export class DonchianStream implements StreamingIndicator<DonchianChannel<number>> {
  private readonly hi: RollingExtremum;
  private readonly lo: RollingExtremum;

  constructor(period = 20) {
    checkPeriod("donchian", "period", period);
    this.hi = new RollingExtremum(period, "max");
    this.lo = new RollingExtremum(period, "min");
  }

  update(bar: OhlcvBar): DonchianChannel<number> {
    this.hi.push(bar.high);
    this.lo.push(bar.low);
    if (!(this.hi.ready && this.lo.ready)) return { upper: Number.NaN, middle: Number.NaN, lower: Number.NaN };
    const upper = this.hi.value();
    const lower = this.lo.value();
    return { upper, middle: (upper + lower) / 2, lower };
  }
}

export const donchianIndicator: IndicatorDescriptor = channel({
  name: "donchian",
  params: period(20),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "donchian_20",
  batch: (b, p) => donchian(b.high, b.low, num(p, "period")),
  stream: (p) => new DonchianStream(num(p, "period")),
});
