import { eachCleanRun } from "./_shared/cleanRuns";
import { RollingExtreme, rollingMaxRun, rollingMinRun } from "./_shared/rollingExtremes";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod, type OhlcvBar, type StreamingIndicator } from "./indicator";
import { RsiStream, rsiRun } from "./rsi";
import { SmaStream, smaRun } from "./sma";
import { rawK } from "./stochastic";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { multi } from "./_shared/describe";

export interface StochRsiOutput<T> {
  /** fast %K of the RSI over `kPeriod` RSI values */
  readonly k: T;
  /** SMA(dPeriod) of %K */
  readonly d: T;
}

function checkStochRsi(rsiPeriod: number, kPeriod: number, dPeriod: number): void {
  checkPeriod("stochrsi", "rsiPeriod", rsiPeriod, 2);
  checkPeriod("stochrsi", "kPeriod", kPeriod, 1);
  checkPeriod("stochrsi", "dPeriod", dPeriod, 1);
}

/**
 * Stochastic RSI (TA-Lib STOCHRSI with SMA %D): a fast stochastic applied to RSI(rsiPeriod).
 * Both outputs start at rsiPeriod + (kPeriod−1) + (dPeriod−1) as in TA-Lib.
 */
export function stochRsi(close: Float64Array, rsiPeriod = 14, kPeriod = 14, dPeriod = 3): StochRsiOutput<Float64Array> {
  checkStochRsi(rsiPeriod, kPeriod, dPeriod);
  const n = close.length;
  const lookback = rsiPeriod + kPeriod - 1 + dPeriod - 1;
  requireBars("stochrsi", n, lookback, `rsiPeriod=${rsiPeriod}, kPeriod=${kPeriod}, dPeriod=${dPeriod}`);
  const k = new Float64Array(n);
  const d = new Float64Array(n);
  const r = new Float64Array(n);
  eachCleanRun([close], [k, d], lookback, (s, e) => {
    if (e - s > lookback) stochRsiRun(close, rsiPeriod, kPeriod, dPeriod, s, e, r, k, d);
  });
  return { k, d };
}

/**
 * %K and %D over one clean run [s, e) longer than the lookback. The outputs double as scratch
 * (the RSI's highest in k, its lowest in d, then fast %K in k), their warm-up set back to NaN at
 * the end; a module-level function, so that its optimised code outlives the call.
 */
function stochRsiRun(
  close: Float64Array,
  rsiPeriod: number,
  kPeriod: number,
  dPeriod: number,
  s: number,
  e: number,
  r: Float64Array,
  k: Float64Array,
  d: Float64Array,
): void {
  const lookback = rsiPeriod + kPeriod - 1 + dPeriod - 1;
  rsiRun(close, s, e, rsiPeriod, r);
  const rStart = s + rsiPeriod;
  const kStart = rStart + kPeriod - 1;
  rollingMaxRun(r, rStart, e, kPeriod, k);
  rollingMinRun(r, rStart, e, kPeriod, d);
  for (let i = kStart; i < e; i++) k[i] = rawK(r[i], k[i], d[i]);
  smaRun(k, kStart, e, dPeriod, d);
  k.fill(Number.NaN, kStart, s + lookback);
  d.fill(Number.NaN, kStart, s + lookback);
}

export class StochRsiStream implements StreamingIndicator<StochRsiOutput<number>> {
  private readonly rsi: RsiStream;
  private readonly hi: RollingExtreme;
  private readonly lo: RollingExtreme;
  private readonly smoothD: SmaStream;

  constructor(
    readonly rsiPeriod = 14,
    readonly kPeriod = 14,
    readonly dPeriod = 3,
  ) {
    checkStochRsi(rsiPeriod, kPeriod, dPeriod);
    this.rsi = new RsiStream(rsiPeriod);
    this.hi = new RollingExtreme(kPeriod, true);
    this.lo = new RollingExtreme(kPeriod, false);
    this.smoothD = new SmaStream(dPeriod);
  }

  update(bar: OhlcvBar): StochRsiOutput<number> {
    const x = bar.close;
    if (Number.isNaN(x)) {
      this.rsi.reset();
      this.hi.reset();
      this.lo.reset();
      this.smoothD.reset();
      return { k: Number.NaN, d: Number.NaN };
    }
    const r = this.rsi.next(x);
    if (Number.isNaN(r)) return { k: Number.NaN, d: Number.NaN };
    const hh = this.hi.push(r);
    const ll = this.lo.push(r);
    if (Number.isNaN(hh)) return { k: Number.NaN, d: Number.NaN };
    const k = rawK(r, hh, ll);
    const d = this.smoothD.next(k);
    return Number.isNaN(d) ? { k: Number.NaN, d: Number.NaN } : { k, d };
  }
}

export const stochRsiIndicator: IndicatorDescriptor = multi({
  name: "stochrsi",
  family: "momentum",
  params: [int("rsi", 14), int("k", 14), int("d", 3)],
  outputs: ["k", "d"],
  warmUp: (p) => num(p, "rsi") + num(p, "k") + num(p, "d") - 2,
  catalogId: "stochrsi_14_14_3",
  batch: (b, p) => stochRsi(b.close, num(p, "rsi"), num(p, "k"), num(p, "d")),
  stream: (p) => new StochRsiStream(num(p, "rsi"), num(p, "k"), num(p, "d")),
});
