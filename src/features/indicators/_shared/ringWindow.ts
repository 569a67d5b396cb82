/**
 * The last `size` values of a series, in a ring: each push overwrites the oldest. Once full,
 * `oldest` is the value `size − 1` pushes before the newest, so a ring of period + 1 gives the
 * lagged x_{t−period} that momentum and rate of change compare with.
 */
export class RingWindow {
  readonly values: Float64Array;
  /** The slot the next push overwrites: once full, the oldest value's. */
  head = 0;
  /** Values pushed since the last reset, at most `size`. */
  length = 0;

  constructor(readonly size: number) {
    this.values = new Float64Array(size);
  }

  push(x: number): void {
    this.values[this.head] = x;
    this.head = this.head + 1 === this.size ? 0 : this.head + 1;
    if (this.length < this.size) this.length++;
  }

  get full(): boolean {
    return this.length === this.size;
  }

  /** The oldest value held (meaningful once full). */
  get oldest(): number {
    return this.values[this.head];
  }

  reset(): void {
    this.head = 0;
    this.length = 0;
  }
}
