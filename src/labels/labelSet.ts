/**
 * The columnar result of every labeller: one row per bar of the input series.
 *
 * A label looks forward from its start bar to its end bar. Both ends are kept as bar indices
 * and as bar open times (UTC epoch ms, the `Bars.ts` convention) because splitters purge by
 * time and embargo by bars. A row whose window runs past the data (or whose volatility is
 * still warming up) is absent: `y`, `ret` and `endTime` are NaN and `endIdx` is -1. Absent
 * rows are never shortened to fit the data, since a truncated window is a different label.
 */
export type LabelKind = "fixed_horizon" | "triple_barrier" | "meta";

export const DIRECTION_BINARY = ["DOWN", "UP"] as const;
export const DIRECTION_3 = ["BEARISH", "NEUTRAL", "BULLISH"] as const;
export const META_CLASSES = ["SKIP", "TAKE"] as const;

export interface LabelSet {
  readonly kind: LabelKind;
  /** Class names by code: `y[i]` is an index into this list. */
  readonly classes: readonly string[];
  /** Class code per row, NaN when absent. */
  readonly y: Float64Array;
  /** Simple return realised over the label window (at the barrier level for barrier touches), NaN when absent. */
  readonly ret: Float64Array;
  readonly startIdx: Int32Array;
  /** Bar index where the label is decided; -1 when absent. */
  readonly endIdx: Int32Array;
  readonly startTime: Float64Array;
  /** Open time of the bar where the label is decided; NaN when absent. */
  readonly endTime: Float64Array;
  /**
   * Rows absent only because an input they read is NaN: a close at the start or the end of the
   * window, or a volatility or regime value past its warm-up (its leading NaNs). The labels
   * NaN inputs removed; rows past the data, in a warm-up, crossing a session or without a
   * primary signal are not counted.
   */
  readonly lostToNaN: number;
}

/** Triple-barrier and meta labels also say which barrier ended the window. */
export interface BarrierLabelSet extends LabelSet {
  /** +1 upper (profit) barrier, -1 lower (stop) barrier, 0 vertical barrier, NaN when absent. */
  readonly barrier: Float64Array;
}

export class LabelError extends Error {
  constructor(labeller: string, message: string) {
    super(`${labeller}: ${message}`);
    this.name = "LabelError";
  }
}

/** Empty label columns for `ts.length` bars, every row absent until a labeller fills it in. */
export function emptyLabelColumns(ts: Float64Array) {
  const n = ts.length;
  const startIdx = new Int32Array(n);
  for (let i = 0; i < n; i++) startIdx[i] = i;
  return {
    y: new Float64Array(n).fill(Number.NaN),
    ret: new Float64Array(n).fill(Number.NaN),
    startIdx,
    endIdx: new Int32Array(n).fill(-1),
    startTime: Float64Array.from(ts),
    endTime: new Float64Array(n).fill(Number.NaN),
  };
}

/** Checks the horizon against the data and the column lengths; the message names the labeller and parameter. */
export function checkHorizon(labeller: string, horizon: number, n: number): void {
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new LabelError(labeller, `horizon must be an integer >= 1 bar, got ${horizon}`);
  }
  if (horizon >= n) {
    throw new LabelError(
      labeller,
      `horizon ${horizon} bars is not shorter than the data (${n} bars): every label would run past the last bar`,
    );
  }
}

export function checkLength(labeller: string, name: string, column: ArrayLike<number>, n: number): void {
  if (column.length !== n) {
    throw new LabelError(labeller, `${name} has length ${column.length}, expected ${n} (one value per bar)`);
  }
}

/**
 * True when bars t and t + h lie in different sessions. `session` holds a session id per bar
 * (e.g. the New York date of 1-minute bars); a label window that crosses the overnight gap
 * mixes two sessions' prices, so intraday labellers leave such rows absent when given one.
 */
export function crossesSession(session: ArrayLike<number> | undefined, t: number, h: number): boolean {
  return session !== undefined && session[t + h] !== session[t];
}

/** Index of the first non-NaN value of a per-bar input (where its warm-up ends); n when none. */
export function warmUpEnd(column: ArrayLike<number>): number {
  let i = 0;
  while (i < column.length && Number.isNaN(column[i])) i++;
  return i;
}

/** Number of rows that carry a label. */
export function labelCount(labels: LabelSet): number {
  let c = 0;
  for (let i = 0; i < labels.y.length; i++) if (!Number.isNaN(labels.y[i])) c++;
  return c;
}
