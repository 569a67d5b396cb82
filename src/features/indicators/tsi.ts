import { eachCleanRun } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { EmaStream, emaRun } from "./ema";
import { checkPeriod, type OhlcvBar, type StreamingIndicator } from "./indicator";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { single } from "./_shared/describe";

function tsiValue(num: number, den: number): number {
  return den !== 0 ? (100 * num) / den : 0;
}

/**
 * True strength index (Blau; not in TA-Lib): 100·EMA_s(EMA_l(Δx)) / EMA_s(EMA_l(|Δx|)), every
 * EMA seeded with the SMA of its first inputs as TA-Lib seeds its EMAs; 0 on a flat stretch
 * (zero denominator). First value at index longPeriod + shortPeriod − 1.
 */
export function tsi(close: Float64Array, longPeriod = 25, shortPeriod = 13): Float64Array {
  checkPeriod("tsi", "longPeriod", longPeriod, 1);
  checkPeriod("tsi", "shortPeriod", shortPeriod, 1);
  const n = close.length;
  const lookback = longPeriod + shortPeriod - 1;
  requireBars("tsi", n, lookback, `longPeriod=${longPeriod}, shortPeriod=${shortPeriod}`);
  const out = new Float64Array(n);
  const diff = new Float64Array(n);
  const absDiff = new Float64Array(n);
  const num1 = new Float64Array(n);
  const den1 = new Float64Array(n);
  const num2 = new Float64Array(n);
  const den2 = new Float64Array(n);
  const kLong = 2 / (longPeriod + 1);
  const kShort = 2 / (shortPeriod + 1);
  eachCleanRun([close], [out], lookback, (s, e) => {
    if (e - s <= lookback) return;
    for (let i = s + 1; i < e; i++) {
      const d = close[i] - close[i - 1];
      diff[i] = d;
      absDiff[i] = Math.abs(d);
    }
    emaRun(diff, s + 1, e, longPeriod, kLong, num1);
    emaRun(absDiff, s + 1, e, longPeriod, kLong, den1);
    emaRun(num1, s + longPeriod, e, shortPeriod, kShort, num2);
    emaRun(den1, s + longPeriod, e, shortPeriod, kShort, den2);
    for (let i = s + lookback; i < e; i++) out[i] = tsiValue(num2[i], den2[i]);
  });
  return out;
}

export class TsiStream implements StreamingIndicator<number> {
  private readonly num1: EmaStream;
  private readonly den1: EmaStream;
  private readonly num2: EmaStream;
  private readonly den2: EmaStream;
  private prev = Number.NaN;

  constructor(
    readonly longPeriod = 25,
    readonly shortPeriod = 13,
  ) {
    checkPeriod("tsi", "longPeriod", longPeriod, 1);
    checkPeriod("tsi", "shortPeriod", shortPeriod, 1);
    this.num1 = new EmaStream(longPeriod);
    this.den1 = new EmaStream(longPeriod);
    this.num2 = new EmaStream(shortPeriod);
    this.den2 = new EmaStream(shortPeriod);
  }

  update(bar: OhlcvBar): number {
    const x = bar.close;
    if (Number.isNaN(x)) {
      this.prev = Number.NaN;
      this.num1.reset();
      this.den1.reset();
      this.num2.reset();
      this.den2.reset();
      return Number.NaN;
    }
    const prev = this.prev;
    this.prev = x;
    if (Number.isNaN(prev)) return Number.NaN;
    const d = x - prev;
    const a = this.num1.next(d);
    const b = this.den1.next(Math.abs(d));
    if (Number.isNaN(a)) return Number.NaN;
    const num = this.num2.next(a);
    const den = this.den2.next(b);
    return Number.isNaN(num) ? Number.NaN : tsiValue(num, den);
  }
}

export const tsiIndicator: IndicatorDescriptor = single({
  name: "tsi",
  family: "momentum",
  params: [int("long", 25), int("short", 13)],
  warmUp: (p) => num(p, "long") + num(p, "short") - 1,
  catalogId: "tsi_25_13",
  batch: (b, p) => tsi(b.close, num(p, "long"), num(p, "short")),
  stream: (p) => new TsiStream(num(p, "long"), num(p, "short")),
});
