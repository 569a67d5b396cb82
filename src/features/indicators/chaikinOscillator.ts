import { closeLocation } from "./accumulationDistribution";
import { eachCleanRun } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { type OhlcvBar, type StreamingIndicator, checkPeriod, checkSameLength } from "./indicator";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { single, volumeOf } from "./_shared/describe";

/** Bars before the first value: TA-Lib's EMA lookback of the slower of the two periods. */
const lookbackOf = (fast: number, slow: number) => Math.max(fast, slow) - 1;

function checkPeriods(fast: number, slow: number): void {
  checkPeriod("chaikinOscillator", "fast", fast, 2);
  checkPeriod("chaikinOscillator", "slow", slow, 2);
}

/**
 * Chaikin A/D oscillator as TA-Lib ADOSC: EMA_fast(AD) − EMA_slow(AD), k = 2/(period+1), where
 * AD is the accumulation/distribution line summed from the start of the clean run. Both EMAs are
 * seeded with the first AD value (not an SMA, unlike TA-Lib EMA), so the values before the
 * lookback max(fast, slow) − 1 are computed but hidden, as TA-Lib does. The EMA steps keep
 * TA-Lib's operation order k·AD + (1 − k)·EMA: AD runs to ~1e10 on index volumes, and the
 * oscillator near a zero crossing is their small difference.
 * NaN rule (recursive): a bar with a NaN high/low/close/volume outputs NaN and restarts AD and
 * both EMAs, so later values equal ADOSC computed on the bars after the NaN alone.
 */
export function chaikinOscillator(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  fast = 3,
  slow = 10,
): Float64Array {
  checkPeriods(fast, slow);
  const n = checkSameLength("chaikinOscillator", { high, low, close, volume });
  const lookback = lookbackOf(fast, slow);
  requireBars("chaikinOscillator", n, lookback, `fast=${fast}, slow=${slow}`);
  const out = new Float64Array(n);
  eachCleanRun([high, low, close, volume], [out], lookback, (start, end) =>
    adoscRun(high, low, close, volume, fast, slow, lookback, start, end, out),
  );
  return out;
}

/** The oscillator over one clean run, in a module-level function so that its optimised code outlives the call. */
function adoscRun(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  fast: number,
  slow: number,
  lookback: number,
  start: number,
  end: number,
  out: Float64Array,
): void {
  const kf = 2 / (fast + 1);
  const ks = 2 / (slow + 1);
  let ad = closeLocation(high[start], low[start], close[start]) * volume[start];
  let f = ad;
  let s = ad;
  for (let i = start + 1; i < end; i++) {
    ad += closeLocation(high[i], low[i], close[i]) * volume[i];
    f = kf * ad + (1 - kf) * f;
    s = ks * ad + (1 - ks) * s;
    if (i >= start + lookback) out[i] = f - s;
  }
}

/** Streaming twin of {@link chaikinOscillator}. */
export class ChaikinOscillatorStream implements StreamingIndicator<number> {
  private readonly kf: number;
  private readonly ks: number;
  private readonly lookback: number;
  private seen = 0;
  private ad = 0;
  private f = 0;
  private s = 0;

  constructor(fast = 3, slow = 10) {
    checkPeriods(fast, slow);
    this.kf = 2 / (fast + 1);
    this.ks = 2 / (slow + 1);
    this.lookback = lookbackOf(fast, slow);
  }

  update(bar: OhlcvBar): number {
    const { high: h, low: l, close: c, volume: v } = bar;
    if (Number.isNaN(h) || Number.isNaN(l) || Number.isNaN(c) || Number.isNaN(v)) {
      this.seen = 0;
      this.ad = 0;
      return Number.NaN;
    }
    this.ad += closeLocation(h, l, c) * v;
    if (this.seen === 0) {
      this.f = this.ad;
      this.s = this.ad;
    } else {
      this.f = this.kf * this.ad + (1 - this.kf) * this.f;
      this.s = this.ks * this.ad + (1 - this.ks) * this.s;
    }
    return this.seen++ >= this.lookback ? this.f - this.s : Number.NaN;
  }
}

export const chaikinOscillatorIndicator: IndicatorDescriptor = single({
  name: "adosc",
  family: "volume",
  params: [int("fast", 3, 2), int("slow", 10, 2)],
  warmUp: (p) => lookbackOf(num(p, "fast"), num(p, "slow")),
  catalogId: "chaikin_oscillator_3_10",
  needsVolume: true,
  batch: (b, p) => chaikinOscillator(b.high, b.low, b.close, volumeOf("adosc", b), num(p, "fast"), num(p, "slow")),
  stream: (p) => new ChaikinOscillatorStream(num(p, "fast"), num(p, "slow")),
});
