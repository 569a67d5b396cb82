import { eachCleanRun } from "./_shared/cleanRuns";
import { RollingExtreme, rollingMaxRun, rollingMinRun } from "./_shared/rollingExtremes";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod, checkSameLength, type OhlcvBar, type StreamingIndicator, hlcMissing } from "./indicator";
import { SmaStream, smaRun } from "./sma";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { multi } from "./_shared/describe";

export interface StochasticOutput<T> {
  /** slow %K: SMA(kSmoothing) of the raw %K */
  readonly k: T;
  /** slow %D: SMA(dPeriod) of slow %K */
  readonly d: T;
}

/** Raw %K in TA-Lib's operation order; 0 when the window's range is zero. */
export function rawK(close: number, highest: number, lowest: number): number {
  const diff = (highest - lowest) / 100;
  return diff !== 0 ? (close - lowest) / diff : 0;
}

function checkStoch(kPeriod: number, kSmoothing: number, dPeriod: number): void {
  checkPeriod("stoch", "kPeriod", kPeriod, 1);
  checkPeriod("stoch", "kSmoothing", kSmoothing, 1);
  checkPeriod("stoch", "dPeriod", dPeriod, 1);
}

/**
 * Slow stochastic (TA-Lib STOCH with SMA smoothing): raw %K over `kPeriod` bars, %K = its
 * SMA(kSmoothing), %D = SMA(dPeriod) of %K. As in TA-Lib both outputs start at the total
 * lookback (kPeriod−1)+(kSmoothing−1)+(dPeriod−1).
 */
export function stochastic(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  kPeriod = 14,
  kSmoothing = 3,
  dPeriod = 3,
): StochasticOutput<Float64Array> {
  checkStoch(kPeriod, kSmoothing, dPeriod);
  const n = checkSameLength("stoch", { high, low, close });
  const lookback = kPeriod - 1 + kSmoothing - 1 + dPeriod - 1;
  requireBars("stoch", n, lookback, `kPeriod=${kPeriod}, kSmoothing=${kSmoothing}, dPeriod=${dPeriod}`);
  const k = new Float64Array(n);
  const d = new Float64Array(n);
  const fastK = new Float64Array(n);
  eachCleanRun([high, low, close], [k, d], lookback, (s, e) => {
    if (e - s > lookback) stochRun(high, low, close, kPeriod, kSmoothing, dPeriod, s, e, fastK, k, d);
  });
  return { k, d };
}

/**
 * %K and %D over one clean run [s, e) longer than the lookback. The outputs double as scratch
 * (the highest highs in fastK, the lowest lows in d, slow %K in k), their warm-up set back to
 * NaN at the end; a module-level function, so that its optimised code outlives the call.
 */
function stochRun(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  kPeriod: number,
  kSmoothing: number,
  dPeriod: number,
  s: number,
  e: number,
  fastK: Float64Array,
  k: Float64Array,
  d: Float64Array,
): void {
  const kStart = s + kPeriod - 1;
  const lookback = kPeriod - 1 + kSmoothing - 1 + dPeriod - 1;
  rollingMaxRun(high, s, e, kPeriod, fastK);
  rollingMinRun(low, s, e, kPeriod, d);
  for (let i = kStart; i < e; i++) fastK[i] = rawK(close[i], fastK[i], d[i]);
  smaRun(fastK, kStart, e, kSmoothing, k);
  smaRun(k, kStart + kSmoothing - 1, e, dPeriod, d);
  k.fill(Number.NaN, kStart + kSmoothing - 1, s + lookback);
  d.fill(Number.NaN, kStart, s + lookback);
}

export class StochasticStream implements StreamingIndicator<StochasticOutput<number>> {
  private readonly hi: RollingExtreme;
  private readonly lo: RollingExtreme;
  private readonly smoothK: SmaStream;
  private readonly smoothD: SmaStream;

  constructor(
    readonly kPeriod = 14,
    readonly kSmoothing = 3,
    readonly dPeriod = 3,
  ) {
    checkStoch(kPeriod, kSmoothing, dPeriod);
    this.hi = new RollingExtreme(kPeriod, true);
    this.lo = new RollingExtreme(kPeriod, false);
    this.smoothK = new SmaStream(kSmoothing);
    this.smoothD = new SmaStream(dPeriod);
  }

  update(bar: OhlcvBar): StochasticOutput<number> {
    const { high, low, close } = bar;
    if (hlcMissing(bar)) {
      this.hi.reset();
      this.lo.reset();
      this.smoothK.reset();
      this.smoothD.reset();
      return { k: Number.NaN, d: Number.NaN };
    }
    const hh = this.hi.push(high);
    const ll = this.lo.push(low);
    if (Number.isNaN(hh)) return { k: Number.NaN, d: Number.NaN };
    const k = this.smoothK.next(rawK(close, hh, ll));
    if (Number.isNaN(k)) return { k: Number.NaN, d: Number.NaN };
    const d = this.smoothD.next(k);
    return Number.isNaN(d) ? { k: Number.NaN, d: Number.NaN } : { k, d };
  }
}

export const stochasticIndicator: IndicatorDescriptor = multi({
  name: "stoch",
  family: "momentum",
  params: [int("k", 14), int("smooth", 3), int("d", 3)],
  outputs: ["k", "d"],
  warmUp: (p) => num(p, "k") + num(p, "smooth") + num(p, "d") - 3,
  catalogId: "stoch_14_3_3",
  batch: (b, p) => stochastic(b.high, b.low, b.close, num(p, "k"), num(p, "smooth"), num(p, "d")),
  stream: (p) => new StochasticStream(num(p, "k"), num(p, "smooth"), num(p, "d")),
});
