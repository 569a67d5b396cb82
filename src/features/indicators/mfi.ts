import { eachCleanRun } from "./_shared/cleanRuns";
import { taIsZero } from "./_shared/taIsZero";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod, checkSameLength, type OhlcvBar, type StreamingIndicator } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single, volumeOf } from "./_shared/describe";

/**
 * Change of the typical price, with TA-Lib's TA_IS_ZERO: a float-noise change (|Δ| < 1e-8, e.g.
 * 1e-13 from (h+l+c)/3 rounding on an unchanged bar) counts as no change, so the flow is neither
 * positive nor negative.
 */
function tpChange(tp: number, prevTp: number): number {
  const d = tp - prevTp;
  return taIsZero(d) ? 0 : d;
}

/** TA-Lib: 0 when the total money flow is below 1 (volume-less or flat stretches). */
function mfiValue(pos: number, neg: number): number {
  const total = pos + neg;
  return total < 1 ? 0 : 100 * (pos / total);
}

/**
 * Money flow index (TA-Lib MFI): typical price × volume, split into positive and negative flow
 * by the sign of the typical price's change, summed over `period` bars; first value at index
 * `period`. A NaN in any of high/low/close/volume restarts it.
 */
export function mfi(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period = 14,
): Float64Array {
  checkPeriod("mfi", "period", period, 2);
  const n = checkSameLength("mfi", { high, low, close, volume });
  requireBars("mfi", n, period, `period=${period}`);
  const out = new Float64Array(n);
  const pos = new Float64Array(n);
  const neg = new Float64Array(n);
  eachCleanRun([high, low, close, volume], [out], period, (s, e) =>
    mfiRun(high, low, close, volume, period, s, e, pos, neg, out),
  );
  return out;
}

/** MFI over one clean run [s, e), in a module-level function so that its optimised code outlives the call. */
function mfiRun(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period: number,
  s: number,
  e: number,
  pos: Float64Array,
  neg: Float64Array,
  out: Float64Array,
): void {
  if (e - s <= period) return;
  let prevTp = (high[s] + low[s] + close[s]) / 3;
  for (let i = s + 1; i < e; i++) {
    const tp = (high[i] + low[i] + close[i]) / 3;
    const flow = tp * volume[i];
    const d = tpChange(tp, prevTp);
    pos[i] = d > 0 ? flow : 0;
    neg[i] = d < 0 ? flow : 0;
    prevTp = tp;
  }
  let posSum = 0;
  let negSum = 0;
  for (let i = s + 1; i <= s + period; i++) {
    posSum += pos[i];
    negSum += neg[i];
  }
  out[s + period] = mfiValue(posSum, negSum);
  for (let i = s + period + 1; i < e; i++) {
    posSum -= pos[i - period];
    negSum -= neg[i - period];
    posSum += pos[i];
    negSum += neg[i];
    out[i] = mfiValue(posSum, negSum);
  }
}

export class MfiStream implements StreamingIndicator<number> {
  private readonly pos: Float64Array;
  private readonly neg: Float64Array;
  private count = 0;
  private prevTp = 0;
  private posSum = 0;
  private negSum = 0;

  constructor(readonly period = 14) {
    checkPeriod("mfi", "period", period, 2);
    this.pos = new Float64Array(period);
    this.neg = new Float64Array(period);
  }

  update(bar: OhlcvBar): number {
    const { high, low, close, volume } = bar;
    if (Number.isNaN(high) || Number.isNaN(low) || Number.isNaN(close) || Number.isNaN(volume)) {
      this.count = 0;
      this.posSum = 0;
      this.negSum = 0;
      return Number.NaN;
    }
    const p = this.period;
    const t = this.count++;
    const tp = (high + low + close) / 3;
    const prevTp = this.prevTp;
    this.prevTp = tp;
    if (t === 0) return Number.NaN;
    const flow = tp * volume;
    const slot = t % p;
    if (t > p) {
      // The slot still holds the flow of bar t−period, which leaves the window now.
      this.posSum -= this.pos[slot];
      this.negSum -= this.neg[slot];
    }
    const d = tpChange(tp, prevTp);
    this.pos[slot] = d > 0 ? flow : 0;
    this.neg[slot] = d < 0 ? flow : 0;
    this.posSum += this.pos[slot];
    this.negSum += this.neg[slot];
    return t < p ? Number.NaN : mfiValue(this.posSum, this.negSum);
  }
}

export const mfiIndicator: IndicatorDescriptor = single({
  name: "mfi",
  family: "momentum",
  params: period(14),
  warmUp: (p) => num(p, "period"),
  catalogId: "mfi_14",
  needsVolume: true,
  batch: (b, p) => mfi(b.high, b.low, b.close, volumeOf("mfi", b), num(p, "period")),
  stream: (p) => new MfiStream(num(p, "period")),
});
