import { auditSplits } from "./auditSplits";
import { addDuration, isoTime, parseDuration } from "./duration";
import { splitAroundBlocks } from "./purge";
import {
  type CommonSplitOptions,
  type LabelSpans,
  type Split,
  SplitError,
  type SplitPlan,
  toEmbargo,
  usableRows,
} from "./splitPlan";

export interface WalkForwardOptions extends CommonSplitOptions {
  /** Training window, ISO-8601 (e.g. "P18M"); with `expanding` the length of the first window. */
  train: string;
  /** Test window, ISO-8601 (e.g. "P3M"). */
  test: string;
  /** How far each fold moves; default the test window. */
  step?: string;
  /** `rolling` (default) keeps the training window length; `expanding` keeps its start. */
  mode?: "rolling" | "expanding";
}

/**
 * Walk-forward splits over calendar windows, anchored at 00:00 UTC of the first usable label's
 * date (US sessions never cross UTC midnight, so intraday windows never cut a session). The
 * first test window starts one training window after the anchor; each fold trains on [testFrom - train, testFrom) (rolling) or
 * on everything before testFrom (expanding), purged of labels that reach the test window.
 * The last test window may be shorter when the data ends inside it. The embargo is applied
 * as everywhere, but training rows never follow the test rows here, so it removes nothing.
 */
export function walkForward(spans: LabelSpans, opts: WalkForwardOptions): SplitPlan {
  const { rows, holdout, holdoutFrom } = usableRows(spans, opts.finalHoldout, "walk_forward");
  const trainD = parseDuration(opts.train, "train");
  const testD = parseDuration(opts.test, "test");
  const stepD = opts.step === undefined ? testD : parseDuration(opts.step, "step");
  const mode = opts.mode ?? "rolling";
  if (mode !== "rolling" && mode !== "expanding") {
    throw new SplitError(`walk_forward: mode must be rolling or expanding, got ${mode}`);
  }
  const embargo = toEmbargo(opts.embargo);
  const n = rows.length;
  const t = (p: number) => spans.startTime[rows[p]];
  const firstDay = new Date(t(0));
  const first = Date.UTC(firstDay.getUTCFullYear(), firstDay.getUTCMonth(), firstDay.getUTCDate());
  const last = t(n - 1);
  /** First position whose start time is >= x. */
  const lowerPos = (x: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t(mid) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const splits: Split[] = [];
  let testFrom = addDuration(first, trainD);
  if (testFrom > last) {
    throw new SplitError(
      `walk_forward: the training window ${opts.train} from ${isoTime(first)} reaches past the last usable label; no fold fits`,
    );
  }
  for (let fold = 0; testFrom <= last; fold++) {
    const testTo = addDuration(testFrom, testD);
    const trainFrom = mode === "rolling" ? addDuration(testFrom, trainD, -1) : first;
    const lo = lowerPos(testFrom);
    const hi = lowerPos(testTo);
    if (hi === lo) {
      throw new SplitError(
        `walk_forward fold ${fold} (test window ${isoTime(testFrom)}..${isoTime(testTo)}): the test set is empty`,
      );
    }
    const split = splitAroundBlocks("walk_forward", fold, spans, rows, [[lo, hi]], lowerPos(trainFrom), lo, embargo);
    splits.push({ ...split, window: { trainFrom, testFrom, testTo } });
    const next = addDuration(testFrom, stepD);
    if (!(next > testFrom)) throw new SplitError(`walk_forward: step ${opts.step} does not advance`);
    testFrom = next;
  }
  const plan: SplitPlan = { kind: "walk_forward", rows, splits, holdout, holdoutFrom, embargo };
  auditSplits(plan, spans);
  return plan;
}
