/**
 * A descriptor's streaming twin for live use, trading-signals style: `update` takes the next
 * bar, `replace` takes a newer version of the last bar (a partial bar that has moved on) and
 * recomputes the last value as if `update` had been given that bar instead, and `isStable` says
 * whether the stream is past its warm-up. The state before the last update is kept as a copy,
 * so replacing costs a copy of the state, and updating one more; the batch features do not use
 * this class (FeatureStream runs the descriptors' plain streams).
 */
import type { Timeframe } from "../../data";
import { cloneState } from "./_shared/cloneState";
import type { IndicatorDescriptor, Params, StreamCore } from "./descriptor";
import { IndicatorError, type OhlcvBar } from "./indicator";

export class LiveStream {
  private core: StreamCore;
  /** The state before the last `update` (null before the first). */
  private before: StreamCore | null = null;
  private seen = 0;
  private readonly warmUp: number;

  constructor(
    readonly descriptor: IndicatorDescriptor,
    params: Params,
    timeframe: Timeframe,
  ) {
    if (descriptor.stream === null) {
      throw new IndicatorError(descriptor.name, "has no streaming twin of one series (it reads the universe)");
    }
    this.core = descriptor.stream(params, timeframe);
    this.warmUp = descriptor.warmUp(params, timeframe);
  }

  /** Feed the next bar (and the benchmark close visible at it); returns the outputs at that bar. */
  update(bar: OhlcvBar, benchmark = Number.NaN): Record<string, number> {
    this.before = cloneState(this.core);
    this.seen++;
    return this.core.update(bar, benchmark);
  }

  /** Replace the last bar given to `update` (again and again while it forms); returns its outputs. */
  replace(bar: OhlcvBar, benchmark = Number.NaN): Record<string, number> {
    if (this.before === null) throw new IndicatorError(this.descriptor.name, "replace() before any update()");
    this.core = cloneState(this.before);
    return this.core.update(bar, benchmark);
  }

  /** True once the stream has seen more bars than the descriptor's warm-up. */
  get isStable(): boolean {
    return this.seen > this.warmUp;
  }
}
