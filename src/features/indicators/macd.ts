import { eachCleanRunRecursive } from "./_shared/cleanRuns";
import { requireBars } from "./_shared/requireBars";
import { EmaStream } from "./ema";
import { checkPeriod, IndicatorError, type OhlcvBar, type StreamingIndicator } from "./indicator";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { multi } from "./_shared/describe";

export interface MacdOutput<T> {
  /** fast EMA − slow EMA */
  readonly macd: T;
  /** EMA(signalPeriod) of the MACD line */
  readonly signal: T;
  /** macd − signal */
  readonly hist: T;
}

function checkMacd(fast: number, slow: number, signal: number): void {
  checkPeriod("macd", "fastPeriod", fast, 2);
  checkPeriod("macd", "slowPeriod", slow, 2);
  checkPeriod("macd", "signalPeriod", signal, 1);
  if (fast >= slow) {
    throw new IndicatorError("macd", `parameter fastPeriod must be < slowPeriod (${slow}), got ${fast}`);
  }
}

/**
 * MACD as TA-Lib computes it: both EMAs start at the slow EMA's first bar — the slow EMA seeded
 * with the SMA of bars [0, slow), the fast EMA with the SMA of the `fast` bars ending there
 * (not of bars [0, fast), so its values differ from a standalone EMA(fast) early on). The
 * signal EMA is seeded with the SMA of the first `signal` MACD values. All three outputs start
 * at TA-Lib's lookback (slow−1) + (signal−1).
 */
export function macd(
  close: Float64Array,
  fastPeriod = 12,
  slowPeriod = 26,
  signalPeriod = 9,
): MacdOutput<Float64Array> {
  checkMacd(fastPeriod, slowPeriod, signalPeriod);
  const n = close.length;
  const lookback = slowPeriod - 1 + signalPeriod - 1;
  requireBars("macd", n, lookback, `slowPeriod=${slowPeriod}, signalPeriod=${signalPeriod}`);
  const macdOut = new Float64Array(n);
  const signalOut = new Float64Array(n);
  const histOut = new Float64Array(n);
  eachCleanRunRecursive([close], [macdOut, signalOut, histOut], lookback, (s, e) =>
    macdRun(close, s, e, fastPeriod, slowPeriod, signalPeriod, macdOut, signalOut, histOut),
  );
  return { macd: macdOut, signal: signalOut, hist: histOut };
}

/**
 * The three EMAs in one pass with their state in locals (no intermediate arrays), with the
 * same seeding and update formula as emaRun.
 */
function macdRun(
  x: Float64Array,
  s: number,
  e: number,
  fast: number,
  slow: number,
  signal: number,
  macdOut: Float64Array,
  signalOut: Float64Array,
  histOut: Float64Array,
): void {
  const lineStart = s + slow - 1;
  const first = lineStart + signal - 1;
  if (first >= e) return;
  const kFast = 2 / (fast + 1);
  const kSlow = 2 / (slow + 1);
  const kSignal = 2 / (signal + 1);
  let slowEma = 0;
  for (let i = s; i <= lineStart; i++) slowEma += x[i];
  slowEma /= slow;
  let fastEma = 0;
  for (let i = lineStart - fast + 1; i <= lineStart; i++) fastEma += x[i];
  fastEma /= fast;
  let line = fastEma - slowEma;
  let sig = line;
  for (let i = lineStart + 1; i <= first; i++) {
    const v = x[i];
    fastEma = (v - fastEma) * kFast + fastEma;
    slowEma = (v - slowEma) * kSlow + slowEma;
    line = fastEma - slowEma;
    sig += line;
  }
  sig /= signal;
  macdOut[first] = line;
  signalOut[first] = sig;
  histOut[first] = line - sig;
  for (let i = first + 1; i < e; i++) {
    const v = x[i];
    fastEma = (v - fastEma) * kFast + fastEma;
    slowEma = (v - slowEma) * kSlow + slowEma;
    line = fastEma - slowEma;
    sig = (line - sig) * kSignal + sig;
    macdOut[i] = line;
    signalOut[i] = sig;
    histOut[i] = line - sig;
  }
}

export class MacdStream implements StreamingIndicator<MacdOutput<number>> {
  private readonly fast: EmaStream;
  private readonly slow: EmaStream;
  private readonly signal: EmaStream;
  private count = 0;

  constructor(
    readonly fastPeriod = 12,
    readonly slowPeriod = 26,
    readonly signalPeriod = 9,
  ) {
    checkMacd(fastPeriod, slowPeriod, signalPeriod);
    this.fast = new EmaStream(fastPeriod);
    this.slow = new EmaStream(slowPeriod);
    this.signal = new EmaStream(signalPeriod);
  }

  update(bar: OhlcvBar): MacdOutput<number> {
    return this.next(bar.close);
  }

  next(x: number): MacdOutput<number> {
    if (Number.isNaN(x)) {
      this.reset();
      return { macd: Number.NaN, signal: Number.NaN, hist: Number.NaN };
    }
    const t = this.count++;
    const slow = this.slow.next(x);
    // The fast EMA only sees the `fast` bars ending at the slow EMA's first bar onwards (TA-Lib).
    const fast = t >= this.slowPeriod - this.fastPeriod ? this.fast.next(x) : Number.NaN;
    if (Number.isNaN(slow)) return { macd: Number.NaN, signal: Number.NaN, hist: Number.NaN };
    const line = fast - slow;
    const sig = this.signal.next(line);
    if (Number.isNaN(sig)) return { macd: Number.NaN, signal: Number.NaN, hist: Number.NaN };
    return { macd: line, signal: sig, hist: line - sig };
  }

  reset(): void {
    this.count = 0;
    this.fast.reset();
    this.slow.reset();
    this.signal.reset();
  }
}

export const macdIndicator: IndicatorDescriptor = multi({
  name: "macd",
  family: "trend",
  params: [int("fast", 12), int("slow", 26), int("signal", 9)],
  outputs: ["macd", "signal", "hist"],
  warmUp: (p) => num(p, "slow") + num(p, "signal") - 2,
  catalogId: "macd_12_26_9",
  batch: (b, p) => macd(b.close, num(p, "fast"), num(p, "slow"), num(p, "signal")),
  stream: (p) => new MacdStream(num(p, "fast"), num(p, "slow"), num(p, "signal")),
});
