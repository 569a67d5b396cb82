import { checkPeriod, checkSameLength, type OhlcvBar, type StreamingIndicator } from "../indicator";
import { checkRealParam, requireBars } from "./requireBars";
import { RollingMoments } from "./rollingMoments";

/**
 * A range-based volatility estimator (Parkinson, Garman–Klass): √(k · mean(term)) over the last
 * `period` bars, with k = annualization · scale and a per-bar variance term from the bar's
 * prices. A mean below zero (Garman–Klass can dip there) is floored at 0. Warm-up: period − 1
 * NaNs; windows containing a bar whose term is NaN are NaN (RollingMoments' rule).
 */
export interface RangeEstimator {
  /** The indicator's name in error messages. */
  readonly indicator: string;
  readonly period: number;
  readonly annualization: number;
  /** The estimator's constant factor on the mean term (1 / (4 ln 2) for Parkinson). */
  readonly scale: number;
}

function check(e: RangeEstimator): number {
  checkPeriod(e.indicator, "period", e.period);
  checkRealParam(e.indicator, "annualization", e.annualization, 0, 1e7);
  return e.annualization * e.scale;
}

/**
 * The estimator over whole series (checked to be of one length): `fillTerms(terms)` writes each
 * bar's variance term. The loop is the caller's, so its term is inlined there.
 */
export function rangeVolatility(
  e: RangeEstimator,
  series: Record<string, Float64Array>,
  fillTerms: (terms: Float64Array) => void,
): Float64Array {
  const k = check(e);
  const n = checkSameLength(e.indicator, series);
  requireBars(e.indicator, n, e.period - 1, `period=${e.period}`);
  const terms = new Float64Array(n);
  fillTerms(terms);
  const out = new Float64Array(n);
  const m = new RollingMoments(e.period);
  for (let i = 0; i < n; i++) {
    m.push(terms[i]);
    out[i] = m.ready ? Math.sqrt(k * Math.max(0, m.mean())) : Number.NaN;
  }
  return out;
}

/** Streaming twin of {@link rangeVolatility}: `termOf(bar)` is the bar's variance term. */
export class RangeVolatilityStream implements StreamingIndicator<number> {
  private readonly k: number;
  private readonly m: RollingMoments;

  constructor(
    e: RangeEstimator,
    private readonly termOf: (bar: OhlcvBar) => number,
  ) {
    this.k = check(e);
    this.m = new RollingMoments(e.period);
  }

  update(bar: OhlcvBar): number {
    this.m.push(this.termOf(bar));
    return this.m.ready ? Math.sqrt(this.k * Math.max(0, this.m.mean())) : Number.NaN;
  }
}
