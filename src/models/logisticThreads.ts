/**
 * The threads of one logistic fit: the main thread plus, for a fit large enough, worker threads
 * on the fit's shared arrays (logisticPasses.ts). The fit stays synchronous: the main thread
 * posts a pass, takes chunks itself and waits in Atomics.wait for chunks a worker took. A worker
 * that is not running yet simply takes nothing, so its start (~20 ms) never delays a pass.
 */
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import { type LogisticShared, passChunks, rowsPerChunk, takeChunks } from "./logisticPasses";
import { resolveThreads, startWorker } from "./workers";

/**
 * Below this many multiply-adds per pass over the data (n · F · outputs) a fit stays on one
 * thread: a pass takes under ~0.5 ms, and waking a worker (tens of µs) would eat the gain.
 */
const MIN_THREADED_WORK = 400_000;
/**
 * Workers start once the fit's passes have done this much work (~20 ms on one thread): a
 * 500k × 50 fit starts them at once, an experiment fold's (thousands of rows × 200 features,
 * hundreds of iterations) after a few iterations, and a fit that converges in a handful never
 * pays a worker start.
 */
const START_WORK = 20_000_000;

export interface LogisticPassRunner {
  readonly shared: LogisticShared;
  /** Runs every chunk of a pass (0: rows, 1: gradient columns). */
  pass(kind: 0 | 1): void;
  close(): void;
}

const WORKER_ENTRY = `
const d = workerData;
logisticWorkerLoop(d.shared, d.thread, d.errors);
`;

function f64(n: number, shared: boolean): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n);
}

function i32(n: number, shared: boolean): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
}

/** The fit's arrays (allocated shared when threaded) and its threads. */
export function logisticPassRunner(
  n: number,
  F: number,
  M: number,
  nThreads: number,
  weighted: boolean,
): LogisticPassRunner {
  // A pass's chunk index has 16 bits (takeChunks).
  const fits = passChunks(n, F, M, 0) < 0xffff && passChunks(n, F, M, 1) < 0xffff;
  const threads = n * F * M >= MIN_THREADED_WORK && fits ? resolveThreads(nThreads) : 1;
  const sh = threads > 1;
  const shared: LogisticShared = {
    Z: f64(n * F, sh),
    theta: f64(M * (F + 1), sh),
    margin: f64(n * M, sh),
    resid: f64(n * M, sh),
    lossTerm: f64(n, sh),
    gradOut: f64(M * F, sh),
    y: i32(n, sh),
    w: f64(weighted ? n : 0, sh),
    dims: i32(4, sh),
    wSum: f64(1, sh),
    ctl: i32(8, sh),
  };
  shared.dims.set([n, F, M, rowsPerChunk(n)]);
  const ctl = shared.ctl;
  ctl[4] = passChunks(n, F, M, 0);
  ctl[5] = passChunks(n, F, M, 1);
  const errorPorts = Array.from({ length: threads - 1 }, () => new MessageChannel());
  const workers: ReturnType<typeof startWorker>[] = [];
  const work = n * F * M;
  let workDone = 0;
  let tag = 0;
  const fail = (e: unknown) => {
    throw e;
  };
  return {
    shared,
    pass(kind) {
      if (threads > 1 && workers.length === 0 && (workDone += work) >= START_WORK) {
        for (const [w, ch] of errorPorts.entries()) {
          const wk = startWorker(WORKER_ENTRY, { shared, thread: w + 1, errors: ch.port2 }, [ch.port2]);
          // A worker that fails to start takes no chunk: this thread does them, same result.
          wk.on("error", () => {});
          workers.push(wk);
        }
      }
      // The next tag of this kind's parity (tags wrap within 15 bits, an even count).
      tag = (tag + 1 + ((tag + 1 + kind) & 1)) & 0x7fff;
      Atomics.store(ctl, 2, 0);
      Atomics.store(ctl, 1, tag << 16);
      if (workers.length === 0) {
        takeChunks(shared, 0, fail);
        return;
      }
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      takeChunks(shared, 0, fail);
      const total = ctl[4 + kind];
      for (let d = Atomics.load(ctl, 2); d < total; d = Atomics.load(ctl, 2)) Atomics.wait(ctl, 2, d);
      const failed = Atomics.load(ctl, 6);
      if (failed !== 0) {
        const m = errorPorts.map((ch) => receiveMessageOnPort(ch.port1)).find((r) => r !== undefined);
        throw new Error(
          `logistic: worker thread ${failed - 1} failed during a pass: ${m ? String(m.message) : "(no message)"}`,
        );
      }
    },
    close() {
      for (const ch of errorPorts) ch.port1.close();
      if (workers.length === 0) return;
      Atomics.store(ctl, 3, 1);
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      for (const wk of workers) void wk.terminate();
    },
  };
}
