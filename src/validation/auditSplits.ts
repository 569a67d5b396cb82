import { addDuration, isoTime } from "./duration";
import { describeFold, type LabelSpans, SplitError, type SplitPlan } from "./splitPlan";

/** Built only for a message: formatting dates for every row would dominate the audit. */
function rowLabel(r: number, s: number, e: number): string {
  return `training row ${r} (label ${isoTime(s)}..${isoTime(e)})`;
}

/**
 * Verifies a plan against the spans it was built from and throws, naming the fold, its dates
 * and the offending row, when a training label window overlaps a test label window, a
 * training row sits inside the embargo after a test block, a row is both train and test, or
 * any row of a split (or its label window) reaches the final holdout. Every splitter runs it
 * before returning; plans built elsewhere (or edited) can be checked with it too.
 * O(train + test) per split.
 */
export function auditSplits(plan: SplitPlan, spans: LabelSpans): void {
  const { holdoutFrom, embargo } = plan;
  // Local references keep the per-row loop on plain typed-array reads.
  const startTime = spans.startTime;
  const endTime = spans.endTime;
  const startIdx = spans.startIdx;
  const endIdx = spans.endIdx;
  for (const split of plan.splits) {
    const where = describeFold(plan.kind, split.fold, split);
    const { train, test } = split;
    const nt = test.length;
    const testStart = new Float64Array(nt);
    const prefixEnd = new Float64Array(nt);
    const prefixEndIdx = new Float64Array(nt);
    let maxEnd = Number.NEGATIVE_INFINITY;
    let maxEndIdx = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < nt; i++) {
      const r = test[i];
      testStart[i] = startTime[r];
      maxEnd = Math.max(maxEnd, endTime[r]);
      maxEndIdx = Math.max(maxEndIdx, endIdx[r]);
      prefixEnd[i] = maxEnd;
      prefixEndIdx[i] = maxEndIdx;
      if (i > 0 && !(testStart[i] > testStart[i - 1]))
        throw new SplitError(`${where}: test rows are not in time order`);
      if (endTime[r] >= holdoutFrom) {
        throw new SplitError(
          `${where}: test row ${r} (label ${isoTime(startTime[r])}..${isoTime(endTime[r])}) reaches the final holdout starting ${isoTime(holdoutFrom)}`,
        );
      }
    }
    // Training rows are walked in time order with one pointer: ti = number of test rows that
    // start before the current training row, so every check below is O(1).
    let ti = 0;
    let prevStart = Number.NEGATIVE_INFINITY;
    let limitFor = -1;
    let durationLimit = Number.NaN;
    for (let j = 0; j < train.length; j++) {
      const r = train[j];
      const s = startTime[r];
      const e = endTime[r];
      if (!(s > prevStart)) throw new SplitError(`${where}: training rows are not in time order at row ${r}`);
      prevStart = s;
      if (e >= holdoutFrom) {
        throw new SplitError(
          `${where}: ${rowLabel(r, s, e)} overlaps the final holdout starting ${isoTime(holdoutFrom)}`,
        );
      }
      while (ti < nt && testStart[ti] < s) ti++;
      if (ti < nt && test[ti] === r) throw new SplitError(`${where}: row ${r} is both a training and a test row`);
      // Earlier test windows overlap iff the latest of their ends reaches s; later ones iff the
      // next one starts by e.
      if (ti > 0 && prefixEnd[ti - 1] >= s) {
        throw new SplitError(
          `${where}: ${rowLabel(r, s, e)} overlaps a test label window ending ${isoTime(prefixEnd[ti - 1])}`,
        );
      }
      if (ti < nt && testStart[ti] <= e) {
        throw new SplitError(
          `${where}: ${rowLabel(r, s, e)} overlaps a test label window starting ${isoTime(testStart[ti])}`,
        );
      }
      if (ti > 0) {
        let inside: boolean;
        if ("bars" in embargo) {
          inside = startIdx[r] <= prefixEndIdx[ti - 1] + embargo.bars;
        } else {
          if (limitFor !== ti) {
            durationLimit = addDuration(prefixEnd[ti - 1], embargo.duration);
            limitFor = ti;
          }
          inside = s <= durationLimit;
        }
        if (inside) {
          throw new SplitError(
            `${where}: ${rowLabel(r, s, e)} lies inside the embargo after the test labels ending ${isoTime(prefixEnd[ti - 1])}`,
          );
        }
      }
    }
  }
  for (let i = 0; i < plan.holdout.length; i++) {
    const r = plan.holdout[i];
    if (!(startTime[r] >= holdoutFrom)) {
      throw new SplitError(
        `${plan.kind}: holdout row ${r} (${isoTime(startTime[r])}) starts before the holdout (${isoTime(holdoutFrom)})`,
      );
    }
  }
}
