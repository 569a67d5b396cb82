import { eachCleanRun } from "./_shared/cleanRuns";
import { taIsZero } from "./_shared/taIsZero";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod } from "./indicator";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { level } from "./_shared/describe";
import { ValueStream } from "./_shared/valueStream";

/** TA-Lib's fixed fast (2) and slow (30) smoothing constants. */
const SC_SLOW = 2 / (30 + 1);
const SC_DIFF = 2 / (2 + 1) - SC_SLOW;

function smoothing(periodRoc: number, sumRoc1: number): number {
  const er = sumRoc1 <= periodRoc || taIsZero(sumRoc1) ? 1 : Math.abs(periodRoc / sumRoc1);
  const sc = er * SC_DIFF + SC_SLOW;
  return sc * sc;
}

/**
 * Kaufman adaptive moving average (TA-Lib KAMA, fast 2 / slow 30): the efficiency ratio over
 * `period` bars scales the smoothing; seeded with the previous close as in TA-Lib, first value
 * at index `period`.
 */
export function kama(close: Float64Array, period = 10): Float64Array {
  checkPeriod("kama", "period", period, 2);
  requireBars("kama", close.length, period, `period=${period}`);
  const out = new Float64Array(close.length);
  eachCleanRun([close], [out], period, (s, e) => kamaRun(close, s, e, period, out));
  return out;
}

function kamaRun(x: Float64Array, s: number, e: number, p: number, out: Float64Array): void {
  if (e - s <= p) return;
  let sumRoc1 = 0;
  for (let i = s; i < s + p; i++) sumRoc1 += Math.abs(x[i] - x[i + 1]);
  let today = s + p;
  let trailingValue = x[s];
  let prev = x[today - 1];
  prev = (x[today] - prev) * smoothing(x[today] - trailingValue, sumRoc1) + prev;
  out[today] = prev;
  for (today++; today < e; today++) {
    const v = x[today];
    const trailing = x[today - p];
    sumRoc1 -= Math.abs(trailingValue - trailing);
    sumRoc1 += Math.abs(v - x[today - 1]);
    trailingValue = trailing;
    prev = (v - prev) * smoothing(v - trailing, sumRoc1) + prev;
    out[today] = prev;
  }
}

export class KamaStream extends ValueStream {
  private readonly buf: Float64Array;
  private idx = 0;
  private count = 0;
  private sumRoc1 = 0;
  private last = 0;
  private trailingValue = 0;
  private prev = 0;

  constructor(readonly period = 10) {
    super();
    checkPeriod("kama", "period", period, 2);
    this.buf = new Float64Array(period + 1);
  }

  protected step(x: number): number {
    const p = this.period;
    this.buf[this.idx] = x;
    this.idx = this.idx === p ? 0 : this.idx + 1;
    const c = this.count++;
    // Slot idx now holds x[t-p], the bar leaving the efficiency window.
    const trailing = this.buf[this.idx];
    let out = Number.NaN;
    if (c === 0) {
      // first bar: nothing to difference yet
    } else if (c < p) {
      this.sumRoc1 += Math.abs(this.last - x);
    } else if (c === p) {
      this.sumRoc1 += Math.abs(this.last - x);
      this.trailingValue = trailing;
      this.prev = (x - this.last) * smoothing(x - trailing, this.sumRoc1) + this.last;
      out = this.prev;
    } else {
      this.sumRoc1 -= Math.abs(this.trailingValue - trailing);
      this.sumRoc1 += Math.abs(x - this.last);
      this.trailingValue = trailing;
      this.prev = (x - this.prev) * smoothing(x - trailing, this.sumRoc1) + this.prev;
      out = this.prev;
    }
    this.last = x;
    return out;
  }

  reset(): void {
    this.idx = 0;
    this.count = 0;
    this.sumRoc1 = 0;
    this.last = 0;
    this.trailingValue = 0;
    this.prev = 0;
  }
}

/** The kama feature: the level and the close's distance from it. */
export const kamaIndicator: IndicatorDescriptor = level({
  name: "kama",
  family: "trend",
  params: period(10),
  warmUp: (p) => num(p, "period"),
  catalogId: "kama_10",
  batch: (b, p) => kama(b.close, num(p, "period")),
  stream: (p) => new KamaStream(num(p, "period")),
});
