import { firstBarrierTouch } from "./barrierTouch";
import {
  type BarrierLabelSet,
  checkHorizon,
  checkLength,
  crossesSession,
  DIRECTION_3,
  DIRECTION_BINARY,
  emptyLabelColumns,
  LabelError,
  warmUpEnd,
} from "./labelSet";

/**
 * Barrier distances from the entry close, as positive simple returns. `Infinity` disables a barrier.
 * - `volatility`: `upper`/`lower` are multiples of the per-bar volatility known at t.
 * - `fixed`: `upper`/`lower` are returns (0.03 = +3 %).
 * - `regime`: per-regime fixed returns, looked up by `regime[t]` (an integer id per bar; NaN or
 *   an id without an entry yields an absent label), e.g. bull +3 % / bear -2 % / neutral 2 %.
 */
export type BarrierWidths =
  | { scale: "volatility"; volatility: Float64Array; upper: number; lower: number }
  | { scale: "fixed"; upper: number; lower: number }
  | { scale: "regime"; regime: ArrayLike<number>; upper: ArrayLike<number>; lower: ArrayLike<number> };

export interface TripleBarrierOptions {
  /** Vertical barrier: the window ends at bar t + horizon at the latest. */
  horizon: number;
  barriers: BarrierWidths;
  /**
   * `three_class` (default): upper -> BULLISH, lower -> BEARISH, vertical -> NEUTRAL.
   * `binary`: upper -> UP, lower -> DOWN, vertical -> by the sign of the return at the horizon.
   */
  output?: "three_class" | "binary";
  /** Session id per bar; labels whose vertical barrier lies in another session are absent. */
  session?: ArrayLike<number>;
}

export interface Bars3 {
  readonly ts: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

function checkWidth(name: string, field: string, v: number): void {
  if (!(v > 0)) throw new LabelError(name, `barrier ${field} must be > 0 (Infinity disables it), got ${v}`);
}

/**
 * Barrier widths (upper, lower) for bar t as simple returns, written into `out`; false when unknown.
 * Shared with the meta-labeller so both read the widths the same way.
 */
export function barrierWidthsAt(w: BarrierWidths, t: number, out: Float64Array): boolean {
  if (w.scale === "fixed") {
    out[0] = w.upper;
    out[1] = w.lower;
  } else if (w.scale === "volatility") {
    const v = w.volatility[t];
    out[0] = w.upper * v;
    out[1] = w.lower * v;
  } else {
    const id = w.regime[t];
    if (!(id >= 0) || id >= w.upper.length) return false;
    out[0] = w.upper[id];
    out[1] = w.lower[id];
  }
  return !Number.isNaN(out[0]) && !Number.isNaN(out[1]) && out[0] > 0 && out[1] > 0;
}

/**
 * True when the widths at bar t are unknown because their per-bar input (volatility or regime
 * id) is NaN past that input's warm-up, which ends at `ready` ({@link barrierInputReady}).
 */
export function barrierInputLost(w: BarrierWidths, t: number, ready: number): boolean {
  if (w.scale === "fixed" || t < ready) return false;
  return Number.isNaN(w.scale === "volatility" ? w.volatility[t] : w.regime[t]);
}

/** Where the warm-up of the widths' per-bar input ends (0 for fixed widths). */
export function barrierInputReady(w: BarrierWidths): number {
  if (w.scale === "fixed") return 0;
  return warmUpEnd(w.scale === "volatility" ? w.volatility : w.regime);
}

export function checkBarrierWidths(name: string, w: BarrierWidths, n: number): void {
  if (w.scale === "fixed") {
    checkWidth(name, "upper", w.upper);
    checkWidth(name, "lower", w.lower);
  } else if (w.scale === "volatility") {
    checkWidth(name, "upper", w.upper);
    checkWidth(name, "lower", w.lower);
    checkLength(name, "barriers.volatility", w.volatility, n);
  } else if (w.scale === "regime") {
    checkLength(name, "barriers.regime", w.regime, n);
    if (w.upper.length !== w.lower.length) {
      throw new LabelError(
        name,
        `barriers.upper has ${w.upper.length} regimes but barriers.lower has ${w.lower.length}`,
      );
    }
    for (let r = 0; r < w.upper.length; r++) {
      checkWidth(name, `upper[regime ${r}]`, w.upper[r]);
      checkWidth(name, `lower[regime ${r}]`, w.lower[r]);
    }
  } else {
    throw new LabelError(
      name,
      `barriers.scale must be volatility, fixed or regime, got ${(w as { scale: string }).scale}`,
    );
  }
}

/**
 * Triple-barrier labels (López de Prado, AFML ch. 3). Entry at close[t]; the upper barrier at
 * close[t]·(1+upper), the lower at close[t]·(1-lower), touched by a bar's high / low; the
 * vertical barrier at t+horizon. A bar that touches both barriers counts as the lower (worse)
 * one. `ret` is the barrier return when a barrier is touched (fills at the barrier level,
 * ignoring gaps through it) and the close-to-close return at the vertical barrier.
 * Rows whose vertical barrier lies past the last bar are absent even when a barrier is touched
 * earlier: keeping only the early touches would bias the last labels toward big moves.
 */
export function tripleBarrierLabels(bars: Bars3, opts: TripleBarrierOptions): BarrierLabelSet {
  const name = "tripleBarrierLabels";
  const { ts, high, low, close } = bars;
  const n = ts.length;
  checkLength(name, "high", high, n);
  checkLength(name, "low", low, n);
  checkLength(name, "close", close, n);
  checkHorizon(name, opts.horizon, n);
  checkBarrierWidths(name, opts.barriers, n);
  if (opts.session) checkLength(name, "session", opts.session, n);
  const output = opts.output ?? "three_class";
  if (output !== "three_class" && output !== "binary") {
    throw new LabelError(name, `output must be three_class or binary, got ${output}`);
  }
  const binary = output === "binary";
  const h = opts.horizon;
  const cols = emptyLabelColumns(ts);
  const barrier = new Float64Array(n).fill(Number.NaN);
  const width = new Float64Array(2);
  const ready = barrierInputReady(opts.barriers);
  let lostToNaN = 0;
  for (let t = 0; t + h < n; t++) {
    if (crossesSession(opts.session, t, h)) continue;
    if (!barrierWidthsAt(opts.barriers, t, width)) {
      if (barrierInputLost(opts.barriers, t, ready)) lostToNaN++;
      continue;
    }
    const c = close[t];
    const touch = firstBarrierTouch(high, low, t, h, c * (1 + width[0]), c * (1 - width[1]), -1);
    let end: number;
    let r: number;
    let b: number;
    if (touch > 0) {
      end = touch;
      r = width[0];
      b = 1;
    } else if (touch < 0) {
      end = -touch;
      r = -width[1];
      b = -1;
    } else {
      end = t + h;
      r = close[end] / c - 1;
      b = 0;
    }
    if (Number.isNaN(r)) {
      lostToNaN++;
      continue;
    }
    cols.y[t] = binary ? (b === 0 ? (r > 0 ? 1 : 0) : b > 0 ? 1 : 0) : b + 1;
    cols.ret[t] = r;
    cols.endIdx[t] = end;
    cols.endTime[t] = ts[end];
    barrier[t] = b;
  }
  return {
    kind: "triple_barrier",
    classes: binary ? DIRECTION_BINARY : DIRECTION_3,
    barrier,
    ...cols,
    lostToNaN,
  };
}
