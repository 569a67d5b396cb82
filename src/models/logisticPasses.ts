/**
 * The logistic objective's passes over the standardised data, cut into chunks that any thread
 * may run (logisticThreads.ts): row chunks (margins, per-row loss terms and residuals of a block
 * of rows) and column chunks (the gradient's dot products of four columns of one output). Every
 * value a chunk writes is the same sequential sum whichever thread runs it and however the
 * chunks are cut, so the fitted coefficients do not depend on the thread count. Worker threads
 * run these functions from their source text (kernelFns.ts says what that asks of this file).
 */

/** A fit's arrays, shared with the workers (SharedArrayBuffers when threaded). */
export interface LogisticShared {
  /** Standardised data, column-major n × F. */
  Z: Float64Array;
  /** M outputs × (F + 1): coefficients, intercept last. */
  theta: Float64Array;
  /** Output-major n × M. */
  margin: Float64Array;
  resid: Float64Array;
  lossTerm: Float64Array;
  /** Gradient dot products, M × F. */
  gradOut: Float64Array;
  y: Int32Array;
  /** Sample weights, empty when unweighted. */
  w: Float64Array;
  /**
   * [n, F, M, rows per row chunk]: integers, so indices stay small-integer arithmetic (read from a Float64Array they
   * were doubles, and every index a float conversion: passes took twice as long).
   */
  dims: Int32Array;
  /** [Σw]. */
  wSum: Float64Array;
  /** Pass control (takeChunks says the layout). */
  ctl: Int32Array;
}

/**
 * m[i] += Σ_j c[j]·Z[i, j] for rows [i0, i1) over column-major Z (coefficients cOff…cOff + F of
 * c), four columns per pass over m: a quarter of the memory traffic of one pass per column.
 * Each m[i] still adds the terms in column order, so the sums are bit for bit those of the
 * one-column loop. Zero coefficients are skipped.
 */
export function addColumns(
  m: Float64Array,
  mOff: number,
  Z: Float64Array,
  c: Float64Array,
  cOff: number,
  F: number,
  n: number,
  i0: number,
  i1: number,
): void {
  const cols: number[] = [];
  for (let j = 0; j < F; j++) if (c[cOff + j] !== 0) cols.push(j);
  let q = 0;
  for (; q + 4 <= cols.length; q += 4) {
    const j0 = cols[q];
    const j1 = cols[q + 1];
    const j2 = cols[q + 2];
    const j3 = cols[q + 3];
    const c0 = c[cOff + j0];
    const c1 = c[cOff + j1];
    const c2 = c[cOff + j2];
    const c3 = c[cOff + j3];
    const o0 = j0 * n;
    const o1 = j1 * n;
    const o2 = j2 * n;
    const o3 = j3 * n;
    for (let i = i0; i < i1; i++) {
      let v = m[mOff + i];
      v += c0 * Z[o0 + i];
      v += c1 * Z[o1 + i];
      v += c2 * Z[o2 + i];
      v += c3 * Z[o3 + i];
      m[mOff + i] = v;
    }
  }
  for (; q < cols.length; q++) {
    const j = cols[q];
    const cj = c[cOff + j];
    const o = j * n;
    for (let i = i0; i < i1; i++) m[mOff + i] += cj * Z[o + i];
  }
}

/**
 * out[outOff + j] = Σ_i r[rOff + i]·Z[i, j] for columns [j0, j1), four columns per pass over r
 * (each sum in row order, as one column at a time).
 */
export function columnDots(
  out: Float64Array,
  outOff: number,
  Z: Float64Array,
  r: Float64Array,
  rOff: number,
  n: number,
  j0: number,
  j1: number,
): void {
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const o = j * n;
    let g0 = 0;
    let g1 = 0;
    let g2 = 0;
    let g3 = 0;
    for (let i = 0; i < n; i++) {
      const ri = r[rOff + i];
      g0 += ri * Z[o + i];
      g1 += ri * Z[o + n + i];
      g2 += ri * Z[o + 2 * n + i];
      g3 += ri * Z[o + 3 * n + i];
    }
    out[outOff + j] = g0;
    out[outOff + j + 1] = g1;
    out[outOff + j + 2] = g2;
    out[outOff + j + 3] = g3;
  }
  for (; j < j1; j++) {
    const o = j * n;
    let g = 0;
    for (let i = 0; i < n; i++) g += r[rOff + i] * Z[o + i];
    out[outOff + j] = g;
  }
}

/**
 * Rows [i0, i1): margins from theta (M outputs × D = F + 1, intercept last), then each row's
 * weighted loss term and the residuals (gradient of the loss by margin, divided by Σw).
 */
export function rowChunk(s: LogisticShared, i0: number, i1: number): void {
  const { Z, theta, margin, resid, lossTerm, y, w } = s;
  const n = s.dims[0];
  const F = s.dims[1];
  const M = s.dims[2];
  const wSum = s.wSum[0];
  const D = F + 1;
  const weighted = w.length > 0;
  for (let k = 0; k < M; k++) {
    margin.fill(theta[k * D + F], k * n + i0, k * n + i1);
    addColumns(margin, k * n, Z, theta, k * D, F, n, i0, i1);
  }
  if (M === 1) {
    for (let i = i0; i < i1; i++) {
      const wi = weighted ? w[i] : 1;
      const z = margin[i];
      // log(1 + e^z) − y·z, stable for both signs; e^−z serves the sigmoid too.
      const eNeg = Math.exp(-z);
      const sp = z > 0 ? z + Math.log1p(eNeg) : Math.log1p(Math.exp(z));
      lossTerm[i] = wi * (sp - y[i] * z);
      resid[i] = (wi * (1 / (1 + eNeg) - y[i])) / wSum;
    }
    return;
  }
  for (let i = i0; i < i1; i++) {
    const wi = weighted ? w[i] : 1;
    // The loss needs the log-sum-exp itself, so the gradient's softmax is exp(margin − lse)
    // here rather than softmaxRows (whose other rounding would change the fitted bits).
    let mx = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < M; k++) mx = Math.max(mx, margin[k * n + i]);
    let sum = 0;
    for (let k = 0; k < M; k++) sum += Math.exp(margin[k * n + i] - mx);
    const lse = mx + Math.log(sum);
    lossTerm[i] = wi * (lse - margin[y[i] * n + i]);
    for (let k = 0; k < M; k++)
      resid[k * n + i] = (wi * (Math.exp(margin[k * n + i] - lse) - (y[i] === k ? 1 : 0))) / wSum;
  }
}

/**
 * Chunk `c` of a pass (`kind` 0: rows, 1: gradient columns). Row chunks hold dims[3] rows;
 * column chunks hold four columns of one output (columnDots' unit), output-major.
 */
export function passChunk(s: LogisticShared, kind: number, c: number): void {
  const n = s.dims[0];
  const F = s.dims[1];
  if (kind === 0) {
    const rows = s.dims[3];
    rowChunk(s, c * rows, Math.min(n, (c + 1) * rows));
    return;
  }
  const perOutput = Math.ceil(F / 4);
  const k = Math.floor(c / perOutput);
  const j0 = (c - k * perOutput) * 4;
  columnDots(s.gradOut, k * F, s.Z, s.resid, k * n, n, j0, Math.min(F, j0 + 4));
}

/**
 * Rows per row chunk: at most 8192 (a chunk's margins stay in cache between the margin and loss
 * steps), at least 512, else about a sixteenth of the rows so that threads share even a
 * mid-sized fit evenly.
 */
export function rowsPerChunk(n: number): number {
  return Math.min(8192, Math.max(512, Math.ceil(n / 16)));
}

/** Chunks in a pass of `kind` (0 rows, 1 columns). */
export function passChunks(n: number, F: number, M: number, kind: number): number {
  return kind === 0 ? Math.ceil(n / rowsPerChunk(n)) : M * Math.ceil(F / 4);
}

/**
 * Takes chunks of the current pass until none is left. ctl[1] packs the pass's tag (bits 16–30;
 * its parity is the pass kind) with the next chunk index (bits 0–15); a claim is a
 * compare-exchange on it, so a thread late from an earlier pass can never take a chunk of a
 * newer one. ctl[2] counts finished chunks (notified at the last), ctl[4 + kind] is the pass
 * size, ctl[6] = 1 + the index of a thread whose chunk threw (its text goes to `report`),
 * ctl[7] counts the chunks workers took (the tests' proof that they run).
 */
export function takeChunks(s: LogisticShared, thread: number, report: (e: unknown) => void): void {
  const ctl = s.ctl;
  while (true) {
    const v = Atomics.load(ctl, 1);
    const kind = (v >>> 16) & 1;
    const total = Atomics.load(ctl, 4 + kind);
    const c = v & 0xffff;
    if (c >= total) return;
    if (Atomics.compareExchange(ctl, 1, v, v + 1) !== v) continue;
    try {
      passChunk(s, kind, c);
    } catch (e) {
      Atomics.store(ctl, 6, thread + 1);
      report(e);
    }
    if (thread > 0) Atomics.add(ctl, 7, 1);
    if (Atomics.add(ctl, 2, 1) + 1 === total) Atomics.notify(ctl, 2);
  }
}

/**
 * A worker's loop: wait for a pass (ctl[0] counts them), take its chunks, repeat until
 * ctl[3] = 1. The main thread counts from 0, so a pass posted before this worker ran is seen.
 */
export function logisticWorkerLoop(
  s: LogisticShared,
  thread: number,
  errors: { postMessage(message: string): void },
): void {
  let seen = 0;
  const report = (e: unknown) => errors.postMessage(e instanceof Error ? (e.stack ?? e.message) : String(e));
  while (true) {
    Atomics.wait(s.ctl, 0, seen);
    const seq = Atomics.load(s.ctl, 0);
    if (seq === seen) continue;
    seen = seq;
    if (Atomics.load(s.ctl, 3) === 1) return;
    takeChunks(s, thread, report);
  }
}
