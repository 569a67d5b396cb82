/**
 * A sweep worker thread's entry (bundled and started by sweepThreads.ts): takes ranges of each
 * job's columns from the shared counter until none is left, and posts each range's figures,
 * moved rather than copied, on its result port.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { type RangeResult, runRange, type SweepJob, sweepMarket } from "./sweepColumns";

const results = (workerData as { port: MessagePort }).port;

function run(job: SweepJob): void {
  const ctl = new Int32Array(job.ctl);
  // A job whose ranges are all taken may already be over, its shared buffer reused.
  if (Atomics.load(ctl, 0) >= job.starts.length - 1) return;
  const sm = sweepMarket(job.bars, job.config, job.volatile);
  for (;;) {
    const r = Atomics.add(ctl, 0, 1);
    if (r >= job.starts.length - 1) return;
    let result: RangeResult = { range: r, stats: null, error: null };
    try {
      result = runRange(sm, job, r);
    } catch {
      // Left to the main thread, which reruns the range.
    }
    const transfer: ArrayBuffer[] = [];
    if (result.stats) for (const v of Object.values(result.stats)) transfer.push(v.buffer as ArrayBuffer);
    try {
      results.postMessage(result, transfer);
    } catch {
      results.postMessage({ range: r, stats: null, error: null } satisfies RangeResult);
    }
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
}

parentPort?.on("message", (job: SweepJob) => {
  try {
    run(job);
  } catch {
    // Nothing escapes a job: the main thread waits for every range a worker took.
  }
});
// Up: sweepThreadsReady() resolves.
parentPort?.postMessage("ready");
