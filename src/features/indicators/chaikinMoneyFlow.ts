import { closeLocation } from "./accumulationDistribution";
import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { single, volumeOf } from "./_shared/describe";

/**
 * Chaikin money flow: Σ(closeLocation · volume) / Σ volume over the last `period` bars, i.e.
 * the volume-weighted mean close location, in [−1, 1]; NaN when the window traded no volume.
 * Warm-up: period − 1 NaNs. NaN rule: windows containing a NaN bar are NaN.
 */
export function chaikinMoneyFlow(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period = 20,
): Float64Array {
  checkPeriod("chaikinMoneyFlow", "period", period);
  const n = checkSameLength("chaikinMoneyFlow", { high, low, close, volume });
  requireBars("chaikinMoneyFlow", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const m = new RollingMoments(period, 2, true);
  for (let i = 0; i < n; i++) {
    m.push(closeLocation(high[i], low[i], close[i]), volume[i]);
    out[i] = m.ready && m.weightSum > 0 ? m.mean() : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link chaikinMoneyFlow}. */
export class ChaikinMoneyFlowStream implements StreamingIndicator<number> {
  private readonly m: RollingMoments;

  constructor(period = 20) {
    checkPeriod("chaikinMoneyFlow", "period", period);
    this.m = new RollingMoments(period, 2, true);
  }

  update(bar: OhlcvBar): number {
    const m = this.m;
    m.push(closeLocation(bar.high, bar.low, bar.close), bar.volume);
    return m.ready && m.weightSum > 0 ? m.mean() : Number.NaN;
  }
}

export const chaikinMoneyFlowIndicator: IndicatorDescriptor = single({
  name: "cmf",
  family: "volume",
  params: period(20),
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "chaikin_money_flow_20",
  needsVolume: true,
  batch: (b, p) => chaikinMoneyFlow(b.high, b.low, b.close, volumeOf("cmf", b), num(p, "period")),
  stream: (p) => new ChaikinMoneyFlowStream(num(p, "period")),
});
