import { addDuration } from "./duration";
import { describeFold, type Embargo, type LabelSpans, type Split, SplitError, type SplitKind } from "./splitPlan";

/**
 * Builds one split from test blocks, purging and embargoing the candidate training rows.
 *
 * `rows` are the usable rows in time order; a test block is a half-open range [lo, hi) of
 * positions in `rows`, and the candidates are positions [candLo, candHi) outside every block.
 * A candidate before a block is purged when its label ends at or after the block's first label
 * starts (closed windows overlap). A candidate after a block is purged when it starts at or
 * before the block's latest label end, and embargoed when it starts within `embargo` bars
 * (or the embargo duration) after that end (AFML ch. 7.4). Because blocks are contiguous in
 * time, comparing with the block's first start and latest end is the same as comparing with
 * every test window in it.
 */
export function splitAroundBlocks(
  kind: SplitKind,
  fold: number,
  spans: LabelSpans,
  rows: Int32Array,
  blocks: readonly (readonly [number, number])[],
  candLo: number,
  candHi: number,
  embargo: Embargo,
  testGroups?: readonly number[],
): Split {
  const nb = blocks.length;
  const blockStart = new Float64Array(nb);
  const blockEnd = new Float64Array(nb);
  const embargoLimit = new Float64Array(nb);
  let testCount = 0;
  for (let b = 0; b < nb; b++) {
    const [lo, hi] = blocks[b];
    blockStart[b] = spans.startTime[rows[lo]];
    let maxEnd = Number.NEGATIVE_INFINITY;
    let maxEndIdx = -1;
    for (let p = lo; p < hi; p++) {
      const r = rows[p];
      if (spans.endTime[r] > maxEnd) maxEnd = spans.endTime[r];
      if (spans.endIdx[r] > maxEndIdx) maxEndIdx = spans.endIdx[r];
    }
    blockEnd[b] = maxEnd;
    embargoLimit[b] = "bars" in embargo ? maxEndIdx + embargo.bars : addDuration(maxEnd, embargo.duration);
    testCount += hi - lo;
  }
  const test = new Int32Array(testCount);
  let k = 0;
  for (const [lo, hi] of blocks) for (let p = lo; p < hi; p++) test[k++] = rows[p];
  const train = new Int32Array(candHi - candLo);
  let nTrain = 0;
  let purged = 0;
  let embargoed = 0;
  const byBars = "bars" in embargo;
  let b0 = 0; // first block not entirely before position p
  for (let p = candLo; p < candHi; p++) {
    while (b0 < nb && blocks[b0][1] <= p) b0++;
    if (b0 < nb && blocks[b0][0] <= p) continue; // a test row
    const r = rows[p];
    const s = spans.startTime[r];
    const e = spans.endTime[r];
    let drop = 0;
    // Blocks before p: purge on overlap, then the embargo.
    for (let b = 0; b < b0 && drop === 0; b++) {
      if (s <= blockEnd[b]) drop = 1;
      else if ((byBars ? spans.startIdx[r] : s) <= embargoLimit[b]) drop = 2;
    }
    // Blocks after p: purge when the label reaches the block.
    for (let b = b0; b < nb && drop === 0; b++) if (e >= blockStart[b]) drop = 1;
    if (drop === 1) purged++;
    else if (drop === 2) embargoed++;
    else train[nTrain++] = r;
  }
  const trainRows = train.slice(0, nTrain);
  const split: Split = {
    fold,
    train: trainRows,
    test,
    trainFrom: nTrain > 0 ? spans.startTime[trainRows[0]] : Number.NaN,
    trainTo: nTrain > 0 ? spans.startTime[trainRows[nTrain - 1]] : Number.NaN,
    testFrom: testCount > 0 ? spans.startTime[test[0]] : Number.NaN,
    testTo: testCount > 0 ? spans.startTime[test[testCount - 1]] : Number.NaN,
    purged,
    embargoed,
    ...(testGroups ? { testGroups } : {}),
  };
  checkSplit(kind, split, spans);
  return split;
}

function classCount(y: Float64Array, rows: Int32Array): number {
  let first = Number.NaN;
  for (let i = 0; i < rows.length; i++) {
    const v = y[rows[i]];
    if (Number.isNaN(first)) first = v;
    else if (v !== first) return 2;
  }
  return Number.isNaN(first) ? 0 : 1;
}

/** Empty or single-class folds are errors naming the fold and its dates. */
export function checkSplit(kind: SplitKind, split: Split, spans: LabelSpans): void {
  const where = describeFold(kind, split.fold, split);
  if (split.test.length === 0) throw new SplitError(`${where}: the test set is empty`);
  if (split.train.length === 0) {
    throw new SplitError(
      `${where}: the training set is empty after purging ${split.purged} and embargoing ${split.embargoed} rows`,
    );
  }
  if (spans.y) {
    if (classCount(spans.y, split.train) < 2) {
      throw new SplitError(`${where}: the training set holds a single class (${spans.y[split.train[0]]})`);
    }
    if (classCount(spans.y, split.test) < 2) {
      throw new SplitError(`${where}: the test set holds a single class (${spans.y[split.test[0]]})`);
    }
  }
}
