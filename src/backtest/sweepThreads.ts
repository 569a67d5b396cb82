/**
 * A sweep's columns on worker threads (docs/architecture.md, "The backtest's bar-step kernel").
 * Columns are independent accounts: the columns are cut into ranges, and the main thread and the
 * workers take ranges from one shared counter until none is left, so a thread slowed by the
 * machine's load is balanced by the others. Bars and signals go out once in a SharedArrayBuffer;
 * each range's figures come back by transfer and are put in column order. A worker runs the same
 * functions on the same numbers, so every figure is bit-identical to the single-thread sweep; of
 * the ranges' first errors the one a single thread meets first (by tile, then column) is thrown.
 *
 * The call stays synchronous: the main thread waits for the workers' last ranges in
 * `Atomics.wait` and reads their results with `receiveMessageOnPort`. Workers are the
 * features' bundled eval workers (features/bundledWorker.ts) with sweepWorker.ts as entry.
 */
import { receiveMessageOnPort } from "node:worker_threads";
import { BundledWorkerPool, bundledEntry, resolveThreadCount } from "../features";
import {
  type ColumnStats,
  type ColumnsError,
  type RangeResult,
  runRange,
  type SweepJob,
  type SweepMarket,
} from "./sweepColumns";

/**
 * Below this many bar × column units a sweep runs on the main thread: posting a job, sharing
 * its signals and joining it cost ~0.3 ms, about 25,000 units of kernel work (bench/backtest.ts).
 */
const MIN_WORK = 1_000_000;
/**
 * Starting a worker (bundling src/backtest with esbuild and compiling it, ~0.5 s of another
 * core) pays above this many units (~0.1 s on one thread); smaller sweeps use workers once up.
 */
const START_WORK = 10_000_000;
/** Ranges per thread: enough to balance a slow thread, few enough that a range's overhead stays small. */
const RANGES_PER_THREAD = 8;

/** sweepWorker.ts's workers; a failed one leaves sweeps on the main thread for the process. */
const pool = new BundledWorkerPool(
  () => bundledEntry(typeof __dirname === "string" ? __dirname : null, "sweepThreads", "sweepWorker.ts"),
  "sweep: a worker thread failed, columns run on the main thread",
);

/**
 * Starts the workers for `threads` threads and resolves once they run: true, or false when
 * threads are unavailable. For tests and benchmarks, which measure warm workers.
 */
export function sweepThreadsReady(threads = 0): Promise<boolean> {
  return pool.whenReady(resolveThreadCount(threads) - 1);
}

/** Ranges the workers ran in this process (tests check that the parallel path ran). */
export const sweepThreadStats = { workerRanges: 0 };

/**
 * Bars and signals go to the workers in one SharedArrayBuffer, kept between sweeps: a fresh one
 * of 10 MB costs ten times the copy into it (page faults, zeroing). A sweep's workers are done
 * with it when the sweep returns (a worker that comes late finds no range left). Above
 * KEEP_BYTES the buffer is not kept.
 */
let scratch: SharedArrayBuffer | null = null;
const EMPTY = new Float64Array(0);
const EMPTY_FLAGS = new Uint8Array(0);
const KEEP_BYTES = 256 * 2 ** 20;

/** Copies of `arrays` in one shared buffer, in order, each at an 8-byte aligned offset. */
function shareAll<T extends Float64Array | Int8Array | Uint8Array>(arrays: readonly T[]): T[] {
  const align = (x: number) => Math.ceil(x / 8) * 8;
  const bytes = arrays.reduce((sum, a) => sum + align(a.byteLength), 0);
  const buf = scratch !== null && scratch.byteLength >= bytes ? scratch : new SharedArrayBuffer(bytes);
  if (buf !== scratch && bytes <= KEEP_BYTES) scratch = buf;
  let at = 0;
  return arrays.map((a) => {
    const C = a.constructor as new (b: SharedArrayBuffer, offset: number, length: number) => T;
    const out = new C(buf, at, a.length);
    out.set(a);
    at += align(a.byteLength);
    return out;
  });
}

/**
 * The columns' figures in column order, on `threads` threads
 * when the sweep is large enough and workers are up (or worth starting); null when it should run
 * on this thread alone. Throws the error one thread would meet first.
 */
export function sweepOnThreads(
  sm: SweepMarket,
  signals: Int8Array,
  columns: number,
  threads: number,
): ColumnStats | null {
  const n = sm.bars.ts.length;
  const work = n * columns;
  const t = resolveThreadCount(threads);
  if (t < 2 || columns < 2 || work < MIN_WORK) return null;
  if (work >= START_WORK) pool.grow(t - 1);
  if (pool.usable === 0) return null;
  const p = pool;
  const nWorkers = Math.min(t - 1, p.usable);
  const nRanges = Math.min(columns, t * RANGES_PER_THREAD);
  const starts: number[] = [];
  for (let r = 0; r <= nRanges; r++) starts.push(Math.round((r * columns) / nRanges));
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const b = sm.bars;
  const volatile = sm.market.volatile;
  const [sharedSignals, ts, open, high, low, close, volume, sharedVolatile] = shareAll<
    Float64Array | Int8Array | Uint8Array
  >([signals, b.ts, b.open, b.high, b.low, b.close, b.volume ?? EMPTY, volatile ?? EMPTY_FLAGS]);
  const job: SweepJob = {
    bars: {
      ...b,
      ts: ts as Float64Array,
      open: open as Float64Array,
      high: high as Float64Array,
      low: low as Float64Array,
      close: close as Float64Array,
      volume: b.volume ? (volume as Float64Array) : b.volume,
      adjClose: null,
    },
    config: sm.config,
    volatile: volatile ? (sharedVolatile as Uint8Array) : null,
    signals: sharedSignals as Int8Array,
    starts,
    ctl: ctl.buffer as SharedArrayBuffer,
  };
  for (let w = 0; w < nWorkers; w++) p.workers[w].postMessage(job);
  // This thread's ranges read the caller's signals.
  const here = { ...job, signals };
  const results: RangeResult[] = new Array(nRanges);
  let mine = 0;
  for (;;) {
    const r = Atomics.add(ctl, 0, 1);
    if (r >= nRanges) break;
    results[r] = runRange(sm, here, r);
    mine++;
  }
  const theirs = nRanges - mine;
  for (;;) {
    const done = Atomics.load(ctl, 1);
    if (done >= theirs) break;
    Atomics.wait(ctl, 1, done);
  }
  for (let w = 0; w < nWorkers; w++) {
    for (let m = receiveMessageOnPort(p.ports[w]); m !== undefined; m = receiveMessageOnPort(p.ports[w])) {
      const res = m.message as RangeResult;
      // A worker that could not run a range (it never should) leaves it to this thread.
      results[res.range] = res.stats || res.error ? res : runRange(sm, here, res.range);
      sweepThreadStats.workerRanges++;
    }
  }
  let first: ColumnsError | null = null;
  for (const r of results) {
    const e = r.error;
    if (e && (first === null || e.tile < first.tile || (e.tile === first.tile && e.column < first.column))) first = e;
  }
  if (first) throw new Error(first.message);
  return mergeRanges(results, starts);
}

function mergeRanges(results: RangeResult[], starts: number[]): ColumnStats {
  const m = starts[starts.length - 1];
  const out: ColumnStats = {
    equity: new Float64Array(m),
    excessSum: new Float64Array(m),
    excessSumSq: new Float64Array(m),
    maxDrawdown: new Float64Array(m),
    exits: new Int32Array(m),
    costsPaid: new Float64Array(m),
    pauses: new Int32Array(m),
  };
  results.forEach((r, k) => {
    const s = r.stats!;
    const c0 = starts[k];
    for (const key of Object.keys(out) as (keyof ColumnStats)[]) out[key].set(s[key], c0);
  });
  return out;
}
