import { requireBars } from "./_shared/requireBars";
import { checkPeriod, checkSameLength } from "./indicator";
import { type IndicatorDescriptor, int, ticker, num } from "./descriptor";
import { pair } from "./_shared/describe";

export interface RelativeStrength<T> {
  /** close / benchmarkClose. */
  ratio: T;
  /** 100 · (ratio_t / ratio_{t−period} − 1): out- or under-performance over `period` bars, in %. */
  roc: T;
}

/**
 * Relative strength against a benchmark (aligned bar by bar by the caller): the price ratio
 * and its rate of change over `period` bars. Warm-up: none for the ratio, `period` NaNs for the
 * ROC. NaN rule: a NaN close gives a NaN ratio at that bar and a NaN ROC at that bar and
 * `period` bars later.
 */
export function relativeStrength(
  close: Float64Array,
  benchmarkClose: Float64Array,
  period = 20,
): RelativeStrength<Float64Array> {
  checkPeriod("relativeStrength", "period", period);
  const n = checkSameLength("relativeStrength", { close, benchmarkClose });
  requireBars("relativeStrength", n, period, `period=${period}`);
  const ratio = new Float64Array(n);
  const roc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ratio[i] = close[i] / benchmarkClose[i];
    roc[i] = i >= period ? 100 * (ratio[i] / ratio[i - period] - 1) : Number.NaN;
  }
  return { ratio, roc };
}

/** Streaming twin of {@link relativeStrength}: `update(close, benchmarkClose)` per aligned bar. */
export class RelativeStrengthStream {
  private readonly ring: Float64Array;
  private head = 0;
  private seen = 0;

  constructor(period = 20) {
    checkPeriod("relativeStrength", "period", period);
    this.ring = new Float64Array(period);
  }

  update(close: number, benchmarkClose: number): RelativeStrength<number> {
    const ratio = close / benchmarkClose;
    const old = this.ring[this.head];
    this.ring[this.head] = ratio;
    this.head = this.head + 1 === this.ring.length ? 0 : this.head + 1;
    const ready = this.seen >= this.ring.length;
    this.seen++;
    return { ratio, roc: ready ? 100 * (ratio / old - 1) : Number.NaN };
  }
}

export const relativeStrengthIndicator: IndicatorDescriptor = pair({
  name: "relative_strength",
  params: [ticker("benchmark", "SPY"), int("period", 20)],
  outputs: ["ratio", "roc"],
  warmUp: (p) => num(p, "period"),
  catalogId: "relative_strength_20",
  single: false,
  batch: (c, bench, p) => ({ ...relativeStrength(c, bench, num(p, "period")) }),
  stream: (p) => new RelativeStrengthStream(num(p, "period")),
});
