/**
 * The two-sample Kolmogorov–Smirnov test, two-sided, as scipy.stats.ks_2samp computes it with its
 * default method: the statistic D = max |F₁ − F₂| over the pooled values (ECDFs counted with
 * ties, `searchsorted(side="right")`), and the exact p-value Pr(D ≥ d) under the null:
 *
 * - equal sizes n: the alternating sum over the lattice paths that leave the band |x − y| < h,
 *   evaluated in nested (Horner) form so it does not cancel;
 * - unequal sizes: Hodges' "inside method" on the lattice of paths from (0, 0) to (m, n), in
 *   Viehmann's recursion (arXiv:2102.08037) that carries the probability of having left the band
 *   (every value in [0, 1], so it neither overflows nor cancels).
 *
 * As scipy does, d is snapped to the lattice (h / lcm(n₁, n₂), h = round(d · lcm)) before the
 * p-value, and the snapped d is the statistic returned. scipy's default ("auto") switches to an
 * asymptotic formula when a sample exceeds 10,000 values; here the exact p-value is computed at
 * every size (`method` says which scipy would have used), so the test never rests on an
 * approximation. NaNs are excluded from both samples and counted by the caller.
 */

/** Above this sample size scipy's default ks_2samp uses its asymptotic p-value. */
export const SCIPY_EXACT_MAX_N = 10_000;

export interface KsResult {
  statistic: number;
  pValue: number;
  /** Sizes of the two samples (NaNs excluded). */
  n1: number;
  n2: number;
  /** The p-value is always exact; "exact_beyond_scipy_auto" marks sizes where scipy's default would be asymptotic. */
  method: "exact" | "exact_beyond_scipy_auto";
}

/** The values present (not NaN), ascending. */
export function sortedPresent(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[j++] = values[i];
  return out.sort();
}

/** max |F₁ − F₂| of two ascending samples. */
export function ksStatisticSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 || j < n2) {
    // The next pooled value; every copy of it in either sample is counted before comparing.
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
    const diff = Math.abs(i / n1 - j / n2);
    if (diff > d) d = diff;
  }
  return d;
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** numpy's round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Pr(D ≥ h/n) for two samples of size n (0 < h ≤ n). */
function equalSizesTail(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

let inverseTable = new Float64Array(0);

/** 1/k for k = 0 … upTo (entry 0 unused), kept between calls. */
function inverses(upTo: number): Float64Array {
  if (inverseTable.length <= upTo) inverseTable = Float64Array.from({ length: upTo + 1 }, (_, k) => 1 / k);
  return inverseTable;
}

/**
 * Pr(D ≥ h / lcm) for sizes m and n: the share of lattice paths (0, 0) → (m, n) that touch
 * |x·n/g − y·m/g| ≥ h, one column x at a time over the band of rows y still inside it. A cell's
 * value is the probability that a uniformly random path to it has left the band; cells outside
 * the band are 1, the start column's cells inside it 0.
 */
function unequalSizesTail(size1: number, size2: number, g: number, h: number): number {
  const m = Math.max(size1, size2);
  const n = Math.min(size1, size2);
  const mg = m / g;
  const ng = n / g;
  let lo = 0;
  let hi = Math.min(Math.ceil(h / mg), n + 1);
  let width = hi - lo;
  const col = new Float64Array(Math.min(2 * hi + 2, n + 1)).fill(1);
  // Multiplying by 1/(x + y) rather than dividing shortens the loop's dependency chain (the drift
  // check's hot spot); it moves p by a few ulps per step, < 1e-12 relative against scipy.
  const inverse = inverses(m + n);
  col.fill(0, lo, hi);
  for (let x = 1; x <= m; x++) {
    const prevLo = lo;
    const prevWidth = width;
    lo = Math.min(Math.max(Math.floor((ng * x - h) / mg) + 1, 0), n);
    hi = Math.min(Math.ceil((ng * x + h) / mg), n + 1);
    if (hi <= lo) return 1;
    // Below the band the path has left it already (1); a cell mixes its left and lower neighbours
    // in the proportions of paths arriving from each.
    let below = lo === 0 ? 0 : 1;
    const shift = lo - prevLo;
    // Each cell is (left·x + below·y) / (x + y) = a + b·below: a linear recurrence down the
    // column, taken two cells a step so only one multiply and one add per two cells wait on `below`.
    const height = hi - lo;
    let k = 0;
    for (; k + 1 < height; k += 2) {
      const y = k + lo;
      const w0 = inverse[x + y];
      const w1 = inverse[x + y + 1];
      const a0 = col[k + shift] * x * w0;
      const b0 = y * w0;
      const a1 = col[k + 1 + shift] * x * w1;
      const b1 = (y + 1) * w1;
      col[k] = a0 + b0 * below;
      below = a1 + b1 * a0 + b1 * b0 * below;
      col[k + 1] = below;
    }
    if (k < height) {
      const y = k + lo;
      const w = inverse[x + y];
      below = col[k + shift] * x * w + below * (y * w);
      col[k] = below;
    }
    width = hi - lo;
    // Cells the band left behind as it rose are outside it from now on.
    if (prevWidth > width) col.fill(1, width, width + (prevWidth - width));
  }
  return col[hi - lo - 1];
}

/** The test on two ascending samples without NaN (neither empty). */
export function ksTwoSampleSorted(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error(`ksTwoSample: a sample is empty (sizes ${n1} and ${n2})`);
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(ksStatisticSorted(a, b) * lcm);
  const statistic = h / lcm;
  let pValue = 1;
  if (h > 0) pValue = n1 === n2 ? equalSizesTail(n1, h) : unequalSizesTail(n1, n2, g, h);
  return {
    statistic,
    pValue: Math.min(Math.max(pValue, 0), 1),
    n1,
    n2,
    method: Math.max(n1, n2) <= SCIPY_EXACT_MAX_N ? "exact" : "exact_beyond_scipy_auto",
  };
}

/** The test on two samples in any order; NaNs are left out. */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  return ksTwoSampleSorted(sortedPresent(a), sortedPresent(b));
}

/** The family-wise level 0.01 split over `tests` (Bonferroni): a test is drift at p below it. */
export function bonferroniLevel(tests: number, alpha = 0.01): number {
  if (!Number.isInteger(tests) || tests < 1)
    throw new Error(`bonferroniLevel: tests must be an integer >= 1, got ${tests}`);
  return alpha / tests;
}
