import { checkRealParam, requireBars } from "./_shared/requireBars";
import { taIsZeroOrNeg } from "./_shared/taIsZero";
import { type OhlcvBar, type StreamingIndicator, checkPeriod } from "./indicator";
import { RollingMoments } from "./_shared/rollingMoments";
import { type IndicatorDescriptor, int, real, num } from "./descriptor";
import { single } from "./_shared/describe";

function checkParams(period: number, nbDev: number): void {
  checkPeriod("standardDeviation", "period", period, 2);
  checkRealParam("standardDeviation", "nbDev", nbDev, 0, 100);
}

/**
 * nbDev · σ with TA-Lib STDDEV's guard: a population variance below 1e-8 (TA_IS_ZERO_OR_NEG)
 * gives 0, so a window flat to within rounding reads flat.
 */
function deviationOf(m: RollingMoments, nbDev: number): number {
  if (!m.ready) return Number.NaN;
  const variance = m.variance(0);
  return taIsZeroOrNeg(variance) ? 0 : nbDev * Math.sqrt(variance);
}

/**
 * Standard deviation as TA-Lib STDDEV: population σ (ddof 0) of the last `period` closes times
 * `nbDev`. The sums are RollingMoments' anchored ones rather than TA-Lib's raw Σx² − (Σx)²/n,
 * which loses digits when the mean dwarfs the spread. Warm-up: period − 1 NaNs.
 * NaN rule: every window containing a NaN close is NaN.
 */
export function standardDeviation(close: Float64Array, period = 5, nbDev = 1): Float64Array {
  checkParams(period, nbDev);
  const n = close.length;
  requireBars("standardDeviation", n, period - 1, `period=${period}`);
  const out = new Float64Array(n);
  const m = new RollingMoments(period);
  for (let i = 0; i < n; i++) {
    m.push(close[i]);
    out[i] = deviationOf(m, nbDev);
  }
  return out;
}

/** Streaming twin of {@link standardDeviation}. */
export class StandardDeviationStream implements StreamingIndicator<number> {
  private readonly nbDev: number;
  private readonly m: RollingMoments;

  constructor(period = 5, nbDev = 1) {
    checkParams(period, nbDev);
    this.nbDev = nbDev;
    this.m = new RollingMoments(period);
  }

  update(bar: OhlcvBar): number {
    this.m.push(bar.close);
    return deviationOf(this.m, this.nbDev);
  }
}

export const standardDeviationIndicator: IndicatorDescriptor = single({
  name: "stddev",
  family: "volatility",
  params: [int("period", 5, 2), real("nbDev", 1, 0, 100)],
  warmUp: (p) => num(p, "period") - 1,
  catalogId: "stddev_5_1",
  batch: (b, p) => standardDeviation(b.close, num(p, "period"), num(p, "nbDev")),
  stream: (p) => new StandardDeviationStream(num(p, "period"), num(p, "nbDev")),
});
