import { addDuration, type Duration, isoTime, parseDuration } from "./duration";

/**
 * What a splitter needs from a label set (a `LabelSet` from src/labels satisfies it): per row,
 * the label's window as bar indices and bar open times. Rows must be in time order. Rows whose
 * label is absent (NaN `endTime`, or NaN `y` when `y` is given) never enter a split.
 */
export interface LabelSpans {
  readonly startIdx: Int32Array;
  readonly endIdx: Int32Array;
  readonly startTime: Float64Array;
  readonly endTime: Float64Array;
  /** Class codes; when given, a fold whose train or test rows hold a single class is an error. */
  readonly y?: Float64Array;
}

export type SplitKind = "holdout" | "walk_forward" | "purged_kfold" | "cpcv";

export interface Split {
  readonly fold: number;
  /** Training rows (indices into the label arrays), ascending. */
  readonly train: Int32Array;
  /** Test rows, ascending. */
  readonly test: Int32Array;
  /** Start times of the first and last training / test rows (UTC epoch ms), for reports. */
  readonly trainFrom: number;
  readonly trainTo: number;
  readonly testFrom: number;
  readonly testTo: number;
  /** Candidate training rows dropped because their label window overlaps a test label window. */
  readonly purged: number;
  /** Candidate training rows dropped by the embargo after a test block. */
  readonly embargoed: number;
  /** CPCV: the group ids this split tests. */
  readonly testGroups?: readonly number[];
  /** Walk-forward: the calendar windows [from, to) the fold was cut from (UTC epoch ms). */
  readonly window?: { readonly trainFrom: number; readonly testFrom: number; readonly testTo: number };
}

/** Embargo after each test block: a number of bars, or a duration after the block's last label end. */
export type Embargo = { readonly bars: number } | { readonly duration: Duration };

export interface SplitPlan {
  readonly kind: SplitKind;
  /** Rows splits may use (labelled, ending before the final holdout), ascending. */
  readonly rows: Int32Array;
  readonly splits: readonly Split[];
  /** Rows reserved as the final holdout: no split trains or tests on them or on labels reaching them. */
  readonly holdout: Int32Array;
  /** Start of the final holdout (UTC epoch ms); NaN when none is reserved. */
  readonly holdoutFrom: number;
  readonly embargo: Embargo;
  /** CPCV: rows of each group, in time order. */
  readonly groups?: readonly Int32Array[];
  /**
   * CPCV backtest paths (φ = k/N·C(N,k) of them): `paths[p][g]` is the split whose test
   * predictions path p uses for group g. Every path covers every usable row exactly once.
   */
  readonly paths?: readonly Int32Array[];
}

export class SplitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SplitError";
  }
}

/** Options every splitter shares. */
export interface CommonSplitOptions {
  /** Bars (integer >= 0) or an ISO-8601 duration; default 0. */
  embargo?: number | string;
  /** ISO-8601 duration at the end of the data reserved as the final holdout (e.g. "P2Y"). */
  finalHoldout?: string;
}

export function toEmbargo(embargo: number | string | undefined): Embargo {
  if (embargo === undefined) return { bars: 0 };
  if (typeof embargo === "string") return { duration: parseDuration(embargo, "embargo") };
  if (!Number.isInteger(embargo) || embargo < 0) {
    throw new SplitError(`embargo must be an integer number of bars >= 0 or an ISO-8601 duration, got ${embargo}`);
  }
  return { bars: embargo };
}

export function describeFold(
  kind: SplitKind,
  fold: number,
  s: { trainFrom: number; trainTo: number; testFrom: number; testTo: number },
): string {
  const train = Number.isFinite(s.trainFrom) ? `${isoTime(s.trainFrom)}..${isoTime(s.trainTo)}` : "none";
  return `${kind} fold ${fold} (train ${train}, test ${isoTime(s.testFrom)}..${isoTime(s.testTo)})`;
}

export interface UsableRows {
  /** Rows that may enter splits, ascending. */
  readonly rows: Int32Array;
  readonly holdout: Int32Array;
  readonly holdoutFrom: number;
}

/**
 * Start of the final holdout (UTC epoch ms): `finalHoldout` before the last row's start time;
 * NaN when none is reserved. Known before any split is cut, so steps that must not look at the
 * holdout (which columns are usable) can stop short of it.
 */
export function finalHoldoutFrom(lastStart: number, finalHoldout: string | undefined): number {
  if (finalHoldout === undefined) return Number.NaN;
  return addDuration(lastStart, parseDuration(finalHoldout, "final_holdout"), -1);
}

/**
 * Validates the spans and separates the rows splits may use from the final holdout. A row
 * whose label window reaches into the holdout is in neither: training or testing on it would
 * use holdout prices.
 */
export function usableRows(spans: LabelSpans, finalHoldout: string | undefined, kind: SplitKind): UsableRows {
  const n = spans.startTime.length;
  for (const [name, col] of [
    ["startIdx", spans.startIdx],
    ["endIdx", spans.endIdx],
    ["endTime", spans.endTime],
  ] as const) {
    if (col.length !== n) throw new SplitError(`${kind}: labels.${name} has length ${col.length}, expected ${n}`);
  }
  if (spans.y && spans.y.length !== n)
    throw new SplitError(`${kind}: labels.y has length ${spans.y.length}, expected ${n}`);
  const present = (i: number) => !Number.isNaN(spans.endTime[i]) && (!spans.y || !Number.isNaN(spans.y[i]));
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && !(spans.startIdx[i] > spans.startIdx[i - 1])) {
      throw new SplitError(
        `${kind}: labels.startIdx must increase strictly; row ${i} has ${spans.startIdx[i]} after ${spans.startIdx[i - 1]}`,
      );
    }
    if (i > 0 && !(spans.startTime[i] > spans.startTime[i - 1])) {
      throw new SplitError(
        `${kind}: labels.startTime must increase strictly; row ${i} (${isoTime(spans.startTime[i])}) follows ${isoTime(spans.startTime[i - 1])}`,
      );
    }
    if (!present(i)) continue;
    if (!(spans.endTime[i] >= spans.startTime[i]) || spans.endIdx[i] < spans.startIdx[i]) {
      throw new SplitError(
        `${kind}: label row ${i} ends (${isoTime(spans.endTime[i])}) before it starts (${isoTime(spans.startTime[i])})`,
      );
    }
    count++;
  }
  if (count === 0) throw new SplitError(`${kind}: no row carries a label (is the horizon longer than the data?)`);
  const holdoutFrom = finalHoldoutFrom(spans.startTime[n - 1], finalHoldout);
  if (finalHoldout !== undefined && !(holdoutFrom > spans.startTime[0])) {
    throw new SplitError(
      `${kind}: final_holdout ${finalHoldout} starts ${isoTime(holdoutFrom)}, before the first label (${isoTime(spans.startTime[0])}): nothing is left to split`,
    );
  }
  const rows: number[] = [];
  const holdout: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!present(i)) continue;
    if (spans.startTime[i] >= holdoutFrom) holdout.push(i);
    else if (!(spans.endTime[i] >= holdoutFrom)) rows.push(i);
  }
  if (rows.length === 0) {
    throw new SplitError(`${kind}: no labelled row ends before the final holdout starting ${isoTime(holdoutFrom)}`);
  }
  return { rows: Int32Array.from(rows), holdout: Int32Array.from(holdout), holdoutFrom };
}
