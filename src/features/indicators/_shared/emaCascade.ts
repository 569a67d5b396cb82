import { EmaStream, emaRun } from "../ema";
import { checkPeriod } from "../indicator";
import { eachCleanRun } from "./cleanRuns";
import { requireBars } from "./requireBars";
import { ValueStream } from "./valueStream";

/**
 * The EMA cascade behind DEMA and TEMA: E1 = EMA(x), E2 = EMA(E1), … E_depth, each seeded with
 * the SMA of its first `period` inputs (TA-Lib's seeding), so the last level's first value is
 * depth·(period−1) bars into each clean run. `combine` writes the indicator from the levels
 * over [from, to); the indicator's own file keeps its formula and TA-Lib's operation order.
 * `extra` bars of warm-up past the last level's first value are for an indicator that reads
 * earlier values of the levels (TRIX's one-bar rate of change).
 */
export function emaCascade(
  indicator: string,
  close: Float64Array,
  period: number,
  depth: number,
  combine: (levels: readonly Float64Array[], from: number, to: number, out: Float64Array) => void,
  extra = 0,
): Float64Array {
  checkPeriod(indicator, "period", period, 1);
  const n = close.length;
  const lag = depth * (period - 1) + extra;
  requireBars(indicator, n, lag, `period=${period}`);
  const out = new Float64Array(n);
  const levels = Array.from({ length: depth }, () => new Float64Array(n));
  const k = 2 / (period + 1);
  eachCleanRun([close], [out], lag, (s, e) => {
    if (s + lag >= e) return;
    for (let d = 0; d < depth; d++)
      emaRun(d === 0 ? close : levels[d - 1], s + d * (period - 1), e, period, k, levels[d]);
    combine(levels, s + lag, e, out);
  });
  return out;
}

/** Streaming twin of {@link emaCascade}: `combine` maps the levels at one bar to the value. */
export abstract class EmaCascadeStream extends ValueStream {
  private readonly emas: EmaStream[];
  private readonly levels: Float64Array;

  constructor(indicator: string, period: number, depth: number) {
    super();
    checkPeriod(indicator, "period", period, 1);
    this.emas = Array.from({ length: depth }, () => new EmaStream(period));
    this.levels = new Float64Array(depth);
  }

  reset(): void {
    for (const e of this.emas) e.reset();
  }

  protected step(x: number): number {
    let v = x;
    for (let d = 0; d < this.emas.length; d++) {
      v = this.emas[d].next(v);
      if (Number.isNaN(v)) return Number.NaN;
      this.levels[d] = v;
    }
    return this.combine(this.levels);
  }

  protected abstract combine(levels: Float64Array): number;
}
