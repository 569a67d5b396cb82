import { isoTime } from "./duration";
import { checkSplit } from "./purge";
import { type LabelSpans, type Split, SplitError, type SplitPlan } from "./splitPlan";

/**
 * The headline split: train on every row the plan may use, test on the final holdout. The
 * plan's rows already end before the holdout starts, so nothing needs purging. Use it once,
 * after search and selection are done on the plan's splits.
 */
export function finalHoldoutSplit(plan: SplitPlan, spans: LabelSpans): Split {
  if (Number.isNaN(plan.holdoutFrom) || plan.holdout.length === 0) {
    throw new SplitError(`${plan.kind}: the plan reserves no final holdout (set final_holdout)`);
  }
  const { rows, holdout } = plan;
  const last = rows[rows.length - 1];
  if (spans.endTime[last] >= plan.holdoutFrom) {
    throw new SplitError(
      `${plan.kind}: row ${last} (label ending ${isoTime(spans.endTime[last])}) overlaps the final holdout starting ${isoTime(plan.holdoutFrom)}`,
    );
  }
  const split: Split = {
    fold: plan.splits.length,
    train: rows,
    test: holdout,
    trainFrom: spans.startTime[rows[0]],
    trainTo: spans.startTime[last],
    testFrom: spans.startTime[holdout[0]],
    testTo: spans.startTime[holdout[holdout.length - 1]],
    purged: 0,
    embargoed: 0,
  };
  checkSplit(plan.kind, split, spans);
  return split;
}
