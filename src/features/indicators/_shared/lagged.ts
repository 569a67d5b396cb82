import { checkPeriod } from "../indicator";
import { eachCleanRun } from "./cleanRuns";
import { requireBars } from "./requireBars";
import { RingWindow } from "./ringWindow";
import { ValueStream } from "./valueStream";

/** How a momentum-style indicator compares a value with the one `period` bars before it. */
export type LagCompare = (x: number, lagged: number) => number;

/**
 * The batch side: `fill(close, period, out, from, to)` writes compare(x_i, x_{i−period}) over
 * [from, to), the bars of a clean run from its index `period` on. The loop is the caller's, so
 * each indicator's comparison is inlined there (a call per bar through one shared loop would not
 * be); a module-level function, since a closure made per call is compiled anew on every call.
 */
export function lagged(
  indicator: string,
  close: Float64Array,
  period: number,
  fill: (close: Float64Array, period: number, out: Float64Array, from: number, to: number) => void,
): Float64Array {
  checkPeriod(indicator, "period", period, 1);
  requireBars(indicator, close.length, period, `period=${period}`);
  const out = new Float64Array(close.length);
  eachCleanRun([close], [out], period, (s, e) => fill(close, period, out, s + period, e));
  return out;
}

/** Streaming twin of {@link lagged}: `compare(x, lagged)` per value. */
export class LaggedStream extends ValueStream {
  private readonly window: RingWindow;

  constructor(
    indicator: string,
    readonly period: number,
    private readonly compare: LagCompare,
  ) {
    super();
    checkPeriod(indicator, "period", period, 1);
    this.window = new RingWindow(period + 1);
  }

  reset(): void {
    this.window.reset();
  }

  protected step(x: number): number {
    this.window.push(x);
    return this.window.full ? this.compare(x, this.window.oldest) : Number.NaN;
  }
}
