import { checkPeriod } from "../indicator";
import { eachCleanRun } from "./cleanRuns";
import { requireBars } from "./requireBars";
import { RingWindow } from "./ringWindow";
import { ValueStream } from "./valueStream";

/** How momentum-style indicators compare a value with the one `period` bars before it. */
export type LagCompare = (x: number, lagged: number) => number;

/** compare(x_t, x_{t−period}) at every bar; first value at index period of each clean run. */
export function lagged(indicator: string, close: Float64Array, period: number, compare: LagCompare): Float64Array {
  checkPeriod(indicator, "period", period, 1);
  requireBars(indicator, close.length, period, `period=${period}`);
  const out = new Float64Array(close.length);
  eachCleanRun([close], [out], period, (s, e) => {
    for (let i = s + period; i < e; i++) out[i] = compare(close[i], close[i - period]);
  });
  return out;
}

/** Streaming twin of {@link lagged}. */
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
