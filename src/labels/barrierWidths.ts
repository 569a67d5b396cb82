import { checkLength, LabelError, warmUpEnd } from "./labelSet";

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
