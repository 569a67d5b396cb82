import { auditSplits } from "./auditSplits";
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

export interface PurgedKFoldOptions extends CommonSplitOptions {
  /** Number of contiguous folds (>= 2). */
  folds: number;
}

/** Boundaries of `groups` contiguous groups over n positions, sized like numpy's array_split. */
export function groupBounds(n: number, groups: number): Int32Array {
  const b = new Int32Array(groups + 1);
  const base = Math.floor(n / groups);
  const extra = n % groups;
  for (let g = 0; g < groups; g++) b[g + 1] = b[g] + base + (g < extra ? 1 : 0);
  return b;
}

/**
 * Purged and embargoed K-fold (AFML ch. 7.4): the usable rows in time order are cut into K
 * contiguous folds; each fold tests once and trains on the others, purged of labels that
 * overlap the test labels and embargoed after them.
 */
export function purgedKFold(spans: LabelSpans, opts: PurgedKFoldOptions): SplitPlan {
  const { rows, holdout, holdoutFrom } = usableRows(spans, opts.finalHoldout, "purged_kfold");
  const k = opts.folds;
  if (!Number.isInteger(k) || k < 2 || k > rows.length) {
    throw new SplitError(`purged_kfold: folds must be an integer in [2, ${rows.length}] (the usable rows), got ${k}`);
  }
  const embargo = toEmbargo(opts.embargo);
  const bounds = groupBounds(rows.length, k);
  const splits: Split[] = [];
  for (let f = 0; f < k; f++) {
    splits.push(
      splitAroundBlocks("purged_kfold", f, spans, rows, [[bounds[f], bounds[f + 1]]], 0, rows.length, embargo),
    );
  }
  const plan: SplitPlan = { kind: "purged_kfold", rows, splits, holdout, holdoutFrom, embargo };
  auditSplits(plan, spans);
  return plan;
}
