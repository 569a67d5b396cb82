import { auditSplits } from "./auditSplits";
import { splitAroundBlocks } from "./purge";
import { groupBounds } from "./purgedKFold";
import {
  type CommonSplitOptions,
  type LabelSpans,
  type Split,
  SplitError,
  type SplitPlan,
  toEmbargo,
  usableRows,
} from "./splitPlan";

export interface CpcvOptions extends CommonSplitOptions {
  /** N: contiguous groups. */
  groups: number;
  /** k: groups tested per split. */
  testGroups: number;
}

export function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** All k-subsets of {0..n-1} in lexicographic order. */
function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const c = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    out.push(c.slice());
    let i = k - 1;
    while (i >= 0 && c[i] === n - k + i) i--;
    if (i < 0) return out;
    c[i]++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
  }
}

/**
 * Combinatorial purged cross-validation (AFML ch. 12): the usable rows are cut into N groups;
 * every one of the C(N, k) choices of k test groups is a split, trained on the other groups
 * after purging and embargo around each run of adjacent test groups. Each group is tested in
 * C(N-1, k-1) splits, which assemble into φ = k/N·C(N, k) backtest paths: path p takes, for
 * every group, the p-th split (in enumeration order) that tests it.
 */
export function combinatorialPurgedCV(spans: LabelSpans, opts: CpcvOptions): SplitPlan {
  const { rows, holdout, holdoutFrom } = usableRows(spans, opts.finalHoldout, "cpcv");
  const N = opts.groups;
  const k = opts.testGroups;
  if (!Number.isInteger(N) || N < 2 || N > rows.length) {
    throw new SplitError(`cpcv: groups must be an integer in [2, ${rows.length}] (the usable rows), got ${N}`);
  }
  if (!Number.isInteger(k) || k < 1 || k >= N) {
    throw new SplitError(`cpcv: testGroups must be an integer in [1, ${N - 1}], got ${k}`);
  }
  const embargo = toEmbargo(opts.embargo);
  const bounds = groupBounds(rows.length, N);
  const groups: Int32Array[] = [];
  for (let g = 0; g < N; g++) groups.push(rows.slice(bounds[g], bounds[g + 1]));
  const combos = combinations(N, k);
  const nPaths = binomial(N - 1, k - 1);
  const paths: Int32Array[] = Array.from({ length: nPaths }, () => new Int32Array(N));
  const used = new Int32Array(N);
  const splits: Split[] = [];
  combos.forEach((combo, s) => {
    const blocks: [number, number][] = [];
    for (const g of combo) {
      const last = blocks[blocks.length - 1];
      if (last && last[1] === bounds[g]) last[1] = bounds[g + 1];
      else blocks.push([bounds[g], bounds[g + 1]]);
      paths[used[g]++][g] = s;
    }
    splits.push(splitAroundBlocks("cpcv", s, spans, rows, blocks, 0, rows.length, embargo, combo));
  });
  const plan: SplitPlan = { kind: "cpcv", rows, splits, holdout, holdoutFrom, embargo, groups, paths };
  auditSplits(plan, spans);
  return plan;
}
