import { auditSplits } from "./auditSplits";
import { addDuration, parseDuration } from "./duration";
import { splitAroundBlocks } from "./purge";
import {
  type CommonSplitOptions,
  type LabelSpans,
  SplitError,
  type SplitPlan,
  toEmbargo,
  usableRows,
} from "./splitPlan";

export interface HoldoutSplitOptions extends CommonSplitOptions {
  /** The test stretch at the end of the usable rows: an ISO-8601 duration ("P1Y") or a fraction of the rows (0.2). */
  test: string | number;
}

/** Time-ordered train/test split (never shuffled): train on the past, test on the last stretch, purged between. */
export function holdoutSplit(spans: LabelSpans, opts: HoldoutSplitOptions): SplitPlan {
  const { rows, holdout, holdoutFrom } = usableRows(spans, opts.finalHoldout, "holdout");
  const n = rows.length;
  let testLo: number;
  if (typeof opts.test === "number") {
    if (!(opts.test > 0 && opts.test < 1))
      throw new SplitError(`holdout: test fraction must lie in (0, 1), got ${opts.test}`);
    testLo = n - Math.max(1, Math.round(n * opts.test));
  } else {
    const from = addDuration(spans.startTime[rows[n - 1]], parseDuration(opts.test, "test"), -1);
    testLo = 0;
    while (testLo < n && spans.startTime[rows[testLo]] <= from) testLo++;
  }
  const embargo = toEmbargo(opts.embargo);
  const split = splitAroundBlocks("holdout", 0, spans, rows, [[testLo, n]], 0, n, embargo);
  const plan: SplitPlan = { kind: "holdout", rows, splits: [split], holdout, holdoutFrom, embargo };
  auditSplits(plan, spans);
  return plan;
}
