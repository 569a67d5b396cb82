import type { OhlcvBar, StreamingIndicator } from "../indicator";

/**
 * The streaming twin of an indicator of one value series: the close, or a series another
 * indicator derives and feeds through `next` (HMA's 2·WMA(p/2) − WMA(p), MACD's line). A NaN
 * value restarts the warm-up and gives NaN, as the batch twin restarts at the next clean run
 * (`eachCleanRun`).
 */
export abstract class ValueStream implements StreamingIndicator<number> {
  update(bar: OhlcvBar): number {
    // Not this.next(bar.close): each call through a method all subclasses share costs a lookup.
    const x = bar.close;
    if (Number.isNaN(x)) {
      this.reset();
      return Number.NaN;
    }
    return this.step(x);
  }

  /** Feed one value of the series; returns the indicator's value after it (NaN in warm-up). */
  next(x: number): number {
    if (Number.isNaN(x)) {
      this.reset();
      return Number.NaN;
    }
    return this.step(x);
  }

  /** Back to the state before the first value. */
  abstract reset(): void;

  /** `next` for a value that is not NaN. */
  protected abstract step(x: number): number;
}
