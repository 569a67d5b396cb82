/**
 * Whole inputs on worker threads (docs/architecture.md, "How feature work reaches threads"). A
 * universe's daily series are short (~8,000 bars), so spreading one stock's steps leaves most
 * of its time (context steps, frame, NaN policy) on the main thread; here the main thread and
 * the workers take whole inputs from one shared counter instead. A worker computes an input on
 * its own thread with the same functions as the main thread, so every frame is bit-identical;
 * results are handed out in input order, and an input that threw (anywhere) throws the main
 * thread's error at its place, as a run on one thread would.
 */
import type { MessagePort } from "node:worker_threads";
import { resolveThreadCount } from "./bundledWorker";
import type { FeatureInput, FeatureResult } from "./featureResult";
import type { FeaturesConfig } from "./featuresConfig";
import { drainPort, jobWorkers, joinWorkers, newControl, postJob, threadStats } from "./featureThreads";
import type { RegimesConfig } from "./regimes";
import { type SharedBars, shareBars } from "./sharedBars";

/** An input as the workers see it (no universe: inputs with one stay on the step path). */
export interface SharedInput {
  bars: SharedBars;
  context: Record<string, SharedBars>;
}

/** Main → worker: the inputs are taken through `ctl` (see featureThreads.ts's newControl). */
export interface InputsJob {
  kind: "inputs";
  config: FeaturesConfig;
  regimes: RegimesConfig;
  inputs: SharedInput[];
  ctl: SharedArrayBuffer;
}

/** Worker → main, one per input taken: its result (columns transferred), or null when it threw. */
export interface InputResult {
  item: number;
  result: FeatureResult | null;
}

/**
 * Whether inputs go to the threads whole: enough of them that the last one to finish leaves
 * the other threads idle only briefly (4 per thread), and none with a universe (whose
 * cross-sectional steps read every member's bars, which are not shared).
 */
export function wholeInputsPay(inputs: readonly FeatureInput[], threads: number): boolean {
  const t = resolveThreadCount(threads);
  return t > 1 && inputs.length >= 4 * t && inputs.every((x) => x.universe === undefined || x.universe.size === 0);
}

type Outcome = FeatureResult | { error: unknown };

/**
 * The results of `job.inputs` in order, `compute(k)` making input k on this thread, `onEach(k)`
 * called in order as results are ready; null when the workers are not available (the caller
 * computes the inputs itself).
 */
export function runInputs(
  job: { config: FeaturesConfig; regimes: RegimesConfig; inputs: readonly FeatureInput[] },
  threads: number,
  work: number,
  compute: (k: number) => FeatureResult,
  onEach?: (k: number) => void,
): FeatureResult[] | null {
  const ports = jobWorkers(threads, work);
  if (ports === null || ports.length === 0) return null;
  const n = job.inputs.length;
  const ctl = newControl();
  const message: InputsJob = {
    kind: "inputs",
    config: job.config,
    regimes: job.regimes,
    inputs: job.inputs.map((x) => ({
      bars: shareBars(x.bars),
      context: Object.fromEntries(Object.entries(x.context ?? {}).map(([t, b]) => [t, shareBars(b)])),
    })),
    ctl: ctl.buffer as SharedArrayBuffer,
  };
  try {
    postJob(ports, message);
  } catch {
    // A config or regimes block the structured clone cannot carry: the caller computes alone.
    return null;
  }
  // undefined: not made yet (or skipped after an earlier input threw); null: threw on a worker.
  const outcomes: (Outcome | null | undefined)[] = new Array(n);
  const fromWorker = (r: InputResult) => {
    outcomes[r.item] = r.result;
    threadStats.workerInputs++;
  };
  let handed = 0;
  const handOut = () => {
    for (let o = outcomes[handed]; handed < n && o && !("error" in o); o = outcomes[handed]) {
      onEach?.(handed);
      handed++;
    }
  };
  let mine = 0;
  let failed = false;
  for (;;) {
    const i = Atomics.add(ctl, 0, 1);
    if (i >= n) break;
    mine++;
    // After a failure the later inputs are only drained from the counter: the run throws before them.
    if (failed) continue;
    try {
      outcomes[i] = compute(i);
    } catch (error) {
      outcomes[i] = { error };
      failed = true;
    }
    for (const port of ports) drainPort(port, fromWorker);
    handOut();
  }
  joinWorkers(ctl, n, mine, ports as MessagePort[], fromWorker);
  const results: FeatureResult[] = [];
  for (let k = 0; k < n; k++) {
    // An input a worker could not make is made here, which throws this thread's own error.
    const o = outcomes[k] ?? compute(k);
    if ("error" in o) throw o.error;
    results.push(o);
    if (k >= handed) onEach?.(k);
  }
  return results;
}
