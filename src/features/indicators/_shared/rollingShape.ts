import { checkPeriod, type OhlcvBar, type StreamingIndicator } from "../indicator";
import { RollingMoments } from "./rollingMoments";
import { requireBars } from "./requireBars";

/** A shape statistic of a window's distribution, from its fourth-order rolling moments. */
export type Shape = "skew" | "kurtosis";

/** The fewest values each statistic's bias correction needs: (n−2) and (n−2)(n−3) divide. */
const MIN_PERIOD: Record<Shape, number> = { skew: 3, kurtosis: 4 };

/** `shape` of the last `period` values at every bar (RollingMoments' NaN rule); `indicator` names errors. */
export function rollingShape(indicator: string, shape: Shape, values: Float64Array, period: number): Float64Array {
  checkPeriod(indicator, "period", period, MIN_PERIOD[shape]);
  const n = values.length;
  requireBars(indicator, n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const m = new RollingMoments(period, 4);
  const skew = shape === "skew";
  for (let i = 0; i < n; i++) {
    m.push(values[i]);
    // Two direct calls, not m[shape](): one keyed call site shared by both shapes runs slower.
    out[i] = m.ready ? (skew ? m.skew() : m.kurtosis()) : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link rollingShape}: `update` takes the close, `next` any series. */
export class RollingShapeStream implements StreamingIndicator<number> {
  private readonly m: RollingMoments;
  private readonly skew: boolean;

  constructor(indicator: string, shape: Shape, period: number) {
    checkPeriod(indicator, "period", period, MIN_PERIOD[shape]);
    this.m = new RollingMoments(period, 4);
    this.skew = shape === "skew";
  }

  update(bar: OhlcvBar): number {
    return this.next(bar.close);
  }

  next(x: number): number {
    this.m.push(x);
    return this.m.ready ? (this.skew ? this.m.skew() : this.m.kurtosis()) : Number.NaN;
  }
}
