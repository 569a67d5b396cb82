import { eachCleanRun } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod } from "./indicator";
import { WmaStream, wmaRun } from "./wma";
import { type IndicatorDescriptor, period, num } from "./descriptor";
import { level } from "./_shared/describe";
import { ValueStream } from "./_shared/valueStream";

/**
 * Hull moving average (Alan Hull; not in TA-Lib): WMA(2·WMA(x, ⌊p/2⌋) − WMA(x, p), ⌊√p⌋).
 * First value at index (p−1) + (⌊√p⌋−1).
 */
export function hma(close: Float64Array, period = 20): Float64Array {
  checkPeriod("hma", "period", period, 2);
  const n = close.length;
  const half = Math.floor(period / 2);
  const root = Math.floor(Math.sqrt(period));
  requireBars("hma", n, period - 1 + root - 1, `period=${period}`);
  const out = new Float64Array(n);
  const wHalf = new Float64Array(n);
  const wFull = new Float64Array(n);
  const diff = new Float64Array(n);
  eachCleanRun([close], [out], period - 1 + root - 1, (s, e) => {
    const from = s + period - 1;
    if (from >= e) return;
    wmaRun(close, s, e, half, wHalf);
    wmaRun(close, s, e, period, wFull);
    for (let i = from; i < e; i++) diff[i] = 2 * wHalf[i] - wFull[i];
    wmaRun(diff, from, e, root, out);
  });
  return out;
}

export class HmaStream extends ValueStream {
  private readonly wHalf: WmaStream;
  private readonly wFull: WmaStream;
  private readonly wRoot: WmaStream;

  constructor(readonly period = 20) {
    super();
    checkPeriod("hma", "period", period, 2);
    this.wHalf = new WmaStream(Math.floor(period / 2));
    this.wFull = new WmaStream(period);
    this.wRoot = new WmaStream(Math.floor(Math.sqrt(period)));
  }

  protected step(x: number): number {
    const a = this.wHalf.next(x);
    const b = this.wFull.next(x);
    if (Number.isNaN(b)) return Number.NaN;
    return this.wRoot.next(2 * a - b);
  }

  reset(): void {
    this.wHalf.reset();
    this.wFull.reset();
    this.wRoot.reset();
  }
}

/** The hma feature: the level and the close's distance from it. */
export const hmaIndicator: IndicatorDescriptor = level({
  name: "hma",
  family: "trend",
  params: period(20, 2),
  warmUp: (p) => num(p, "period") + Math.floor(Math.sqrt(num(p, "period"))) - 2,
  catalogId: "hma_20",
  batch: (b, p) => hma(b.close, num(p, "period")),
  stream: (p) => new HmaStream(num(p, "period")),
});
