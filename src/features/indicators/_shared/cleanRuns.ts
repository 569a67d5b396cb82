/**
 * NaN handling shared by the indicators: a bar whose inputs contain a NaN restarts the
 * indicator. The batch functions therefore run their kernel once per maximal run of clean
 * bars (every input column non-NaN) and leave NaN everywhere else; the streaming twins reset
 * their state on a NaN bar. For windowed indicators this is exactly "NaN for every window that
 * contains the NaN bar" (the restart's warm-up spans the same bars as those windows); for
 * recursive ones (EMA, RSI, ADX, SAR …) it is the documented rule: the NaN poisons the state, and
 * the indicator re-seeds as on a fresh series once it has seen its warm-up of clean bars again.
 */

function isCleanAt(cols: readonly Float64Array[], i: number): boolean {
  for (let c = 0; c < cols.length; c++) {
    const v = cols[c][i];
    if (Number.isNaN(v)) return false;
  }
  return true;
}

/**
 * Calls `run(start, end)` for every maximal run [start, end) of bars where all `cols` are
 * non-NaN, in order. The callback runs once per run (once in total on NaN-free data).
 */
export function eachCleanRun(cols: readonly Float64Array[], run: (start: number, end: number) => void): void {
  const n = cols[0].length;
  let i = 0;
  while (i < n) {
    while (i < n && !isCleanAt(cols, i)) i++;
    if (i >= n) return;
    const start = i;
    while (i < n && isCleanAt(cols, i)) i++;
    run(start, i);
  }
}

/** A new output column of length `n`, NaN everywhere (warm-up and NaN-poisoned bars stay NaN). */
export function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}
