import { eachCleanRun } from "./_shared/cleanRuns";
import { taIsZero } from "./_shared/taIsZero";
import { requireBars } from "./_shared/requireBars";
import {
  checkPeriod,
  checkSameLength,
  IndicatorError,
  type OhlcvBar,
  type StreamingIndicator,
  hlcMissing,
} from "./indicator";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { single } from "./_shared/describe";

function checkUltOsc(p1: number, p2: number, p3: number): void {
  checkPeriod("ultosc", "period1", p1, 1);
  checkPeriod("ultosc", "period2", p2, 1);
  checkPeriod("ultosc", "period3", p3, 1);
  if (!(p1 < p2 && p2 < p3)) {
    throw new IndicatorError("ultosc", `parameters must satisfy period1 < period2 < period3, got ${p1}, ${p2}, ${p3}`);
  }
}

function ultValue(a1: number, b1: number, a2: number, b2: number, a3: number, b3: number): number {
  let v = 0;
  if (!taIsZero(b1)) v += 4 * (a1 / b1);
  if (!taIsZero(b2)) v += 2 * (a2 / b2);
  if (!taIsZero(b3)) v += a3 / b3;
  return 100 * (v / 7);
}

/**
 * Ultimate oscillator (TA-Lib ULTOSC): buying pressure close − min(low, prev close) over true
 * range, summed over three windows and weighted 4:2:1 (shortest heaviest). First value at index
 * period3 (each term needs the previous close).
 */
export function ultimateOscillator(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period1 = 7,
  period2 = 14,
  period3 = 28,
): Float64Array {
  checkUltOsc(period1, period2, period3);
  const n = checkSameLength("ultosc", { high, low, close });
  requireBars("ultosc", n, period3, `period3=${period3}`);
  const out = new Float64Array(n);
  const bp = new Float64Array(n);
  const tr = new Float64Array(n);
  eachCleanRun([high, low, close], [out], period3, (s, e) =>
    ultoscRun(high, low, close, period1, period2, period3, s, e, bp, tr, out),
  );
  return out;
}

/** The oscillator over one clean run [s, e), in a module-level function so that its optimised code outlives the call. */
function ultoscRun(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period1: number,
  period2: number,
  period3: number,
  s: number,
  e: number,
  bp: Float64Array,
  tr: Float64Array,
  out: Float64Array,
): void {
  const start = s + period3;
  if (start >= e) return;
  for (let i = s + 1; i < e; i++) {
    const h = high[i];
    const l = low[i];
    const pc = close[i - 1];
    bp[i] = close[i] - Math.min(l, pc);
    let r = h - l;
    const up = Math.abs(pc - h);
    if (up > r) r = up;
    const down = Math.abs(pc - l);
    if (down > r) r = down;
    tr[i] = r;
  }
  let a1 = 0;
  let b1 = 0;
  let a2 = 0;
  let b2 = 0;
  let a3 = 0;
  let b3 = 0;
  for (let i = start - period1 + 1; i < start; i++) {
    a1 += bp[i];
    b1 += tr[i];
  }
  for (let i = start - period2 + 1; i < start; i++) {
    a2 += bp[i];
    b2 += tr[i];
  }
  for (let i = start - period3 + 1; i < start; i++) {
    a3 += bp[i];
    b3 += tr[i];
  }
  for (let i = start; i < e; i++) {
    a1 += bp[i];
    a2 += bp[i];
    a3 += bp[i];
    b1 += tr[i];
    b2 += tr[i];
    b3 += tr[i];
    out[i] = ultValue(a1, b1, a2, b2, a3, b3);
    const t1 = i - period1 + 1;
    const t2 = i - period2 + 1;
    const t3 = i - period3 + 1;
    a1 -= bp[t1];
    b1 -= tr[t1];
    a2 -= bp[t2];
    b2 -= tr[t2];
    a3 -= bp[t3];
    b3 -= tr[t3];
  }
}

export class UltimateOscillatorStream implements StreamingIndicator<number> {
  private readonly bp: Float64Array;
  private readonly tr: Float64Array;
  private count = 0;
  private prevClose = 0;
  private readonly sums = new Float64Array(6);
  private readonly periods: Int32Array;

  constructor(
    readonly period1 = 7,
    readonly period2 = 14,
    readonly period3 = 28,
  ) {
    checkUltOsc(period1, period2, period3);
    this.bp = new Float64Array(period3);
    this.tr = new Float64Array(period3);
    this.periods = Int32Array.of(period1, period2, period3);
  }

  update(bar: OhlcvBar): number {
    const { high, low, close } = bar;
    if (hlcMissing(bar)) {
      this.count = 0;
      this.sums.fill(0);
      return Number.NaN;
    }
    const t = this.count++;
    const pc = this.prevClose;
    this.prevClose = close;
    if (t === 0) return Number.NaN;
    const p3 = this.period3;
    const bp = close - Math.min(low, pc);
    let r = high - low;
    const up = Math.abs(pc - high);
    if (up > r) r = up;
    const down = Math.abs(pc - low);
    if (down > r) r = down;
    this.bp[t % p3] = bp;
    this.tr[t % p3] = r;
    const sm = this.sums;
    const periods = this.periods;
    if (t < p3) {
      // Priming: each window sums only the terms that the first output's window holds.
      for (let w = 0; w < 3; w++) {
        if (t >= p3 - periods[w] + 1) {
          sm[2 * w] += bp;
          sm[2 * w + 1] += r;
        }
      }
      return Number.NaN;
    }
    for (let w = 0; w < 3; w++) sm[2 * w] += bp;
    for (let w = 0; w < 3; w++) sm[2 * w + 1] += r;
    const v = ultValue(sm[0], sm[1], sm[2], sm[3], sm[4], sm[5]);
    for (let w = 0; w < 3; w++) {
      const slot = (t - periods[w] + 1) % p3;
      sm[2 * w] -= this.bp[slot];
      sm[2 * w + 1] -= this.tr[slot];
    }
    return v;
  }
}

export const ultimateOscillatorIndicator: IndicatorDescriptor = single({
  name: "ultosc",
  family: "momentum",
  params: [int("p1", 7), int("p2", 14), int("p3", 28)],
  warmUp: (p) => Math.max(num(p, "p1"), num(p, "p2"), num(p, "p3")),
  catalogId: "ultosc_7_14_28",
  batch: (b, p) => ultimateOscillator(b.high, b.low, b.close, num(p, "p1"), num(p, "p2"), num(p, "p3")),
  stream: (p) => new UltimateOscillatorStream(num(p, "p1"), num(p, "p2"), num(p, "p3")),
});
