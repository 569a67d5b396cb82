import { SmaStream, smaRun } from "../sma";
import { checkPeriod, IndicatorError } from "../indicator";
import { eachCleanRun } from "./cleanRuns";
import { requireBars } from "./requireBars";
import { ValueStream } from "./valueStream";

/**
 * Writes APO or PPO over [from, to) from the fast and the slow moving average; a loop per
 * indicator rather than a per-bar callback, which would turn polymorphic once both had run.
 */
export type CombineAverages = (
  fast: Float64Array,
  slow: Float64Array,
  from: number,
  to: number,
  out: Float64Array,
) => void;

export function checkPriceOscillator(indicator: string, fast: number, slow: number): void {
  checkPeriod(indicator, "fastPeriod", fast, 2);
  checkPeriod(indicator, "slowPeriod", slow, 2);
  // TA-Lib swaps the periods when slow < fast; a spec that names them the wrong way round is an error here.
  if (fast >= slow)
    throw new IndicatorError(indicator, `parameter fastPeriod must be < slowPeriod (${slow}), got ${fast}`);
}

/**
 * TA-Lib's price oscillator (TA_INT_PO behind APO and PPO) with its default moving average, the
 * SMA: `combine` writes it from SMA_fast and SMA_slow from the slow SMA's first bar, index
 * slowPeriod−1 of each clean run, bar by bar (`fast` is `out` itself); a module-level function,
 * since a closure made per call is compiled anew on every call.
 */
export function priceOscillator(
  indicator: string,
  close: Float64Array,
  fast: number,
  slow: number,
  combine: CombineAverages,
): Float64Array {
  checkPriceOscillator(indicator, fast, slow);
  const n = close.length;
  requireBars(indicator, n, slow - 1, `slowPeriod=${slow}`);
  const out = new Float64Array(n);
  const slowMa = new Float64Array(n);
  eachCleanRun([close], [out], slow - 1, (s, e) => oscillatorRun(close, fast, slow, s, e, slowMa, combine, out));
  return out;
}

/**
 * The oscillator over one clean run [s, e), in a module-level function so that its optimised code
 * outlives the call. The fast SMA goes into `out` (combine reads each bar before writing it), whose
 * bars before the slow SMA's first get their warm-up NaN back.
 */
function oscillatorRun(
  close: Float64Array,
  fast: number,
  slow: number,
  s: number,
  e: number,
  slowMa: Float64Array,
  combine: CombineAverages,
  out: Float64Array,
): void {
  if (e - s < slow) return;
  smaRun(close, s, e, fast, out);
  smaRun(close, s, e, slow, slowMa);
  combine(out, slowMa, s + slow - 1, e, out);
  out.fill(Number.NaN, s + fast - 1, s + slow - 1);
}

/** Streaming twin of {@link priceOscillator}. */
export abstract class PriceOscillatorStream extends ValueStream {
  private readonly fast: SmaStream;
  private readonly slow: SmaStream;

  constructor(
    indicator: string,
    readonly fastPeriod: number,
    readonly slowPeriod: number,
  ) {
    super();
    checkPriceOscillator(indicator, fastPeriod, slowPeriod);
    this.fast = new SmaStream(fastPeriod);
    this.slow = new SmaStream(slowPeriod);
  }

  protected abstract value(fast: number, slow: number): number;

  protected step(x: number): number {
    const fast = this.fast.next(x);
    const slow = this.slow.next(x);
    return Number.isNaN(slow) ? Number.NaN : this.value(fast, slow);
  }

  reset(): void {
    this.fast.reset();
    this.slow.reset();
  }
}
