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
    if (Number.isNaN(cols[c][i])) return false;
  }
  return true;
}

/**
 * True when no column holds a NaN. A sum with four accumulators is ~4× cheaper than a
 * compare-and-branch scan and is finite exactly when the column has no NaN and no infinity;
 * a non-finite sum sends the caller to the exact per-bar scan.
 */
function allFinite(cols: readonly Float64Array[]): boolean {
  for (let c = 0; c < cols.length; c++) {
    const x = cols[c];
    const n4 = x.length & ~3;
    let a = 0;
    let b = 0;
    let d = 0;
    let e = 0;
    for (let i = 0; i < n4; i += 4) {
      a += x[i];
      b += x[i + 1];
      d += x[i + 2];
      e += x[i + 3];
    }
    for (let i = n4; i < x.length; i++) a += x[i];
    if (!Number.isFinite(a + b + d + e)) return false;
  }
  return true;
}

/** Bars at the start of each clean run an output leaves NaN: one number for all outputs, or one per output. */
export type Lookbacks = number | readonly number[];

/** NaN over the first lookback bars of [start, end) in each output. */
function fillWarmUp(outs: readonly Float64Array[], lookbacks: Lookbacks, start: number, end: number): void {
  for (let k = 0; k < outs.length; k++) {
    const lb = typeof lookbacks === "number" ? lookbacks : lookbacks[k];
    outs[k].fill(Number.NaN, start, Math.min(end, start + lb));
  }
}

/**
 * Calls `run(start, end)` for every maximal run [start, end) of bars where all `cols` are
 * non-NaN, in order, and writes NaN into `outs` (zero-initialised output arrays) everywhere the
 * kernel does not: on the NaN bars and on the first `lookback` bars of every run (`lookbacks`
 * is one number for all outputs or one per output). The kernel must write every index from
 * start+lookback to end−1 of its outputs. On NaN-free input `run(0, n)` is called once.
 */
export function eachCleanRun(
  cols: readonly Float64Array[],
  outs: readonly Float64Array[],
  lookbacks: Lookbacks,
  run: (start: number, end: number) => void,
): void {
  const n = cols[0].length;
  if (allFinite(cols)) {
    fillWarmUp(outs, lookbacks, 0, n);
    run(0, n);
    return;
  }
  let i = 0;
  while (i < n) {
    const gap = i;
    while (i < n && !isCleanAt(cols, i)) i++;
    for (const out of outs) out.fill(Number.NaN, gap, i);
    if (i >= n) return;
    const start = i;
    while (i < n && isCleanAt(cols, i)) i++;
    fillWarmUp(outs, lookbacks, start, i);
    run(start, i);
  }
}

/**
 * `eachCleanRun` for recursive kernels in which a NaN anywhere in the input, except possibly on
 * the first or the last bar, leaves the last output non-finite (EMA, RSI, MACD, ADX: the NaN
 * enters the state and never leaves). The kernel runs once over everything; only if its last
 * output is not finite, or the first or last bar holds a NaN, does it run again per clean run.
 * This saves the NaN pre-scan, a sizeable share of such cheap kernels. (Without a NaN, one
 * pass over everything is exactly what `eachCleanRun` does.)
 */
export function eachCleanRunRecursive(
  cols: readonly Float64Array[],
  outs: readonly Float64Array[],
  lookbacks: Lookbacks,
  run: (start: number, end: number) => void,
): void {
  const n = cols[0].length;
  fillWarmUp(outs, lookbacks, 0, n);
  run(0, n);
  let clean = isCleanAt(cols, 0) && isCleanAt(cols, n - 1);
  for (const out of outs) clean &&= Number.isFinite(out[n - 1]);
  if (!clean) eachCleanRun(cols, outs, lookbacks, run);
}
