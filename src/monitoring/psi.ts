/**
 * The population stability index of one series against its reference, as the product plan
 * defines it: 10 bins cut at the reference's deciles (the outer two open-ended, so a live value
 * beyond the reference's range still lands in a bin), and PSI = Σ (a − e)·ln(a / e) over the
 * bins, with each share floored at 1e-4 so an empty bin costs a finite amount. > 0.2 is drift.
 *
 * Bins are closed on the right: value x falls in bin k = the number of edges strictly below x.
 * With ties in the reference (a discrete feature), edges repeat and some bins are empty; the
 * reference's shares are therefore measured with this same rule (`binShares`), not assumed to be
 * 0.1 each, so a live sample drawn from the reference scores ≈ 0 however discrete the feature.
 *
 * Missing values (NaN) are excluded from the shares and counted (`missing`): PSI compares the
 * distributions of the values present. A series with no value present has no PSI (NaN); the
 * drift check reports that as its own reason.
 */

export const PSI_BINS = 10;
export const PSI_SHARE_FLOOR = 1e-4;
/** PSI above this is drift (the product plan's threshold). */
export const PSI_DRIFT = 0.2;

/** A reference distribution in PSI's form: 9 inner edges (the deciles) and the 10 bins' shares. */
export interface BinnedReference {
  readonly edges: readonly number[];
  readonly shares: readonly number[];
}

export interface PsiResult {
  /** NaN when no value of the live series is present. */
  psi: number;
  /** Values present (not NaN). */
  n: number;
  /** NaN values, excluded. */
  missing: number;
}

/**
 * The q-quantile of an ascending sample by linear interpolation between order statistics
 * (numpy's default, Hyndman–Fan type 7).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The 9 inner edges of PSI's bins: the deciles 0.1 … 0.9 of an ascending sample. */
export function decileEdges(sorted: ArrayLike<number>): number[] {
  return Array.from({ length: PSI_BINS - 1 }, (_, k) => quantileSorted(sorted, (k + 1) / PSI_BINS));
}

/** The bin of `x`: how many edges lie strictly below it (bins closed on the right). */
export function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Each bin's share of the values present, with the count present and missing. */
export function binShares(
  edges: readonly number[],
  values: ArrayLike<number>,
): { shares: number[]; n: number; missing: number } {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isNaN(x)) missing++;
    else counts[binOf(edges, x)]++;
  }
  const n = values.length - missing;
  return { shares: counts.map((c) => (n === 0 ? Number.NaN : c / n)), n, missing };
}

/** Σ (a − e)·ln(a / e) over bins, each share floored at 1e-4. */
export function psiOfShares(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) {
    throw new Error(`psi: ${expected.length} expected shares but ${actual.length} actual shares`);
  }
  let sum = 0;
  for (let k = 0; k < expected.length; k++) {
    const e = Math.max(expected[k], PSI_SHARE_FLOOR);
    const a = Math.max(actual[k], PSI_SHARE_FLOOR);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/** The reference in PSI's form from an ascending sample without NaN. */
export function binnedReference(sorted: ArrayLike<number>): BinnedReference {
  const edges = decileEdges(sorted);
  return { edges, shares: binShares(edges, sorted).shares };
}

/** The PSI of `live` against `reference` (NaNs excluded and counted). */
export function psi(reference: BinnedReference, live: ArrayLike<number>): PsiResult {
  const { shares, n, missing } = binShares(reference.edges, live);
  return { psi: n === 0 ? Number.NaN : psiOfShares(reference.shares, shares), n, missing };
}
