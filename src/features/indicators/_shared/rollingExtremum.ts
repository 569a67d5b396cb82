/**
 * Rolling maximum (or minimum) of the last `period` values with a monotonic deque: O(1)
 * amortised per value and no allocation after construction. Used by Donchian channels and
 * the pre-breakout fingerprint. A NaN inside the window makes `ready` false (it never enters
 * the deque, so the extremum is exact again once it has left).
 */
export class RollingExtremum {
  readonly period: number;
  private readonly sign: number;
  private readonly idx: Float64Array;
  private readonly val: Float64Array;
  private front = 0;
  private length = 0;
  private t = -1;
  private lastNaN = Number.NEGATIVE_INFINITY;

  /** `kind` "max" tracks the highest value, "min" the lowest. */
  constructor(period: number, kind: "max" | "min") {
    this.period = period;
    this.sign = kind === "max" ? 1 : -1;
    this.idx = new Float64Array(period);
    this.val = new Float64Array(period);
  }

  push(x: number): void {
    const t = ++this.t;
    const p = this.period;
    if (this.length > 0 && this.idx[this.front] <= t - p) {
      this.front = this.front + 1 === p ? 0 : this.front + 1;
      this.length--;
    }
    if (Number.isNaN(x)) {
      this.lastNaN = t;
      return;
    }
    const v = this.sign * x;
    // Values dominated by the newcomer can never be the extremum again.
    while (this.length > 0) {
      let back = this.front + this.length - 1;
      if (back >= p) back -= p;
      if (this.val[back] > v) break;
      this.length--;
    }
    let slot = this.front + this.length;
    if (slot >= p) slot -= p;
    this.idx[slot] = t;
    this.val[slot] = v;
    this.length++;
  }

  get ready(): boolean {
    return this.t + 1 >= this.period && this.t - this.lastNaN >= this.period;
  }

  value(): number {
    return this.sign * this.val[this.front];
  }
}
