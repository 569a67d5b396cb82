/**
 * Plan steps on worker threads (docs/architecture.md, "How feature work reaches threads"). The
 * steps of one computation are independent (stepColumns.ts): the main thread posts the job,
 * then it and the workers take steps from one shared counter until none is left, so a slow
 * step on one thread is balanced by the others. The bars go out once in a SharedArrayBuffer;
 * columns come back by transfer. A worker runs the same functions on the same inputs, so every
 * value is bit-identical to the single-thread path; the frame is put together in plan order by
 * computeFeatures.ts whichever thread made a column.
 *
 * The call stays synchronous: the main thread waits for the workers' last steps in
 * `Atomics.wait` and reads their columns with `receiveMessageOnPort`. A worker wraps each step,
 * so a step that throws is reported and redone on the main thread, which throws its error in
 * plan order as the single-thread path does.
 */
import { type MessagePort, receiveMessageOnPort } from "node:worker_threads";
import { BundledWorkerPool, bundledEntry, resolveThreadCount } from "./bundledWorker";
import type { FeatureInput } from "./featureResult";
import type { FeaturesConfig } from "./featuresConfig";
import type { IndicatorStep, PlanStep } from "./planSteps";
import { type SharedBars, shareBars } from "./sharedBars";
import { costliestFirst, recordStepCost } from "./stepCosts";
import { isSelfContained, type StepColumns, StepSeries, stepColumns } from "./stepColumns";

/** A step's columns, or what it threw. */
export type StepOutcome = StepColumns | { error: unknown };

/** One computation's steps: `runs` are the plan positions of the indicator steps to compute. */
export interface StepsJob {
  config: FeaturesConfig;
  input: FeatureInput;
  plan: readonly PlanStep[];
  runs: readonly number[];
}

/**
 * Below this many bar × step units a job runs on the main thread: posting a job and joining it
 * costs ~0.2 ms, about what 3,000 units of indicator work take (measured: bench/features.ts).
 */
const MIN_WORK = 100_000;
/**
 * A cold start (a worker bundles src/features with esbuild and compiles it, ~0.5 s of the other
 * core) pays only for a computation of several seconds: above this many units (~1 s single
 * thread) the workers are started; smaller jobs use them once they are up.
 */
export const START_WORK = 10_000_000;

// ---------------------------------------------------------------------------------------------
// Messages

/** Main → worker: the steps at plan positions `items` are taken through `ctl` (see WorkerJob's fields). */
export interface WorkerJob {
  kind: "steps";
  config: FeaturesConfig;
  bars: SharedBars;
  /** The context series the steps' benchmarks read. */
  context: Record<string, SharedBars>;
  items: number[];
  /** See {@link newControl}. */
  ctl: SharedArrayBuffer;
}

/** Worker → main, one per item taken: its columns (transferred) or that it threw. */
export interface WorkerResult {
  item: number;
  columns: StepColumns | null;
  /** Time the worker took for the step (stepCosts.ts). */
  ms: number;
}

/** Int32 cells of a job's control buffer: [0] next item to take, [1] items the workers finished. */
export function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

// ---------------------------------------------------------------------------------------------
// The workers

/** featureWorker.ts's workers; a failed one leaves threads off for the process. */
const pool = new BundledWorkerPool(
  () => bundledEntry(typeof __dirname === "string" ? __dirname : null, "featureThreads", "featureWorker.ts"),
  "features: a worker thread failed, steps run on the main thread",
);

/** Starts the workers for `threads` threads when `work` (bar × step units) is worth a cold start. */
export function warmFeatureThreads(threads: number, work: number): void {
  const t = resolveThreadCount(threads);
  if (t > 1 && work >= START_WORK) pool.grow(t - 1);
}

/**
 * Starts the workers for `threads` threads whatever the work, and resolves once they run: true,
 * or false when threads are unavailable (one thread asked, no esbuild, a worker that failed).
 * For tests and benchmarks, which measure warm workers.
 */
export function featureThreadsReady(threads = 0): Promise<boolean> {
  return pool.whenReady(resolveThreadCount(threads) - 1);
}

// ---------------------------------------------------------------------------------------------
// Running a job

/** Items (steps, inputs) computed by the workers in this process (tests check that the parallel path ran). */
export const threadStats = { workerSteps: 0, workerInputs: 0 };

/**
 * The workers' result ports for a job of `work` units on `threads` threads, started when the
 * job is worth it; null when this thread should do the job alone (small, or workers not up).
 */
export function jobWorkers(threads: number, work: number): MessagePort[] | null {
  const t = resolveThreadCount(threads);
  if (t > 1 && work >= START_WORK) warmFeatureThreads(t, work);
  if (t <= 1 || work < MIN_WORK || pool.usable === 0) return null;
  return pool.ports.slice(0, Math.min(t - 1, pool.usable));
}

/** Posts a job to the workers whose result ports `ports` are (from {@link jobWorkers}). */
export function postJob(ports: readonly MessagePort[], job: unknown): void {
  for (let w = 0; w < ports.length; w++) pool.workers[w].postMessage(job);
}

/**
 * Once this thread has taken items until none was left (`mine` of `total`), waits for the
 * workers' items and hands each worker message to `take`.
 */
export function joinWorkers<R>(
  ctl: Int32Array,
  total: number,
  mine: number,
  ports: readonly MessagePort[],
  take: (r: R) => void,
): void {
  const theirs = total - mine;
  for (;;) {
    const done = Atomics.load(ctl, 1);
    if (done >= theirs) break;
    Atomics.wait(ctl, 1, done);
  }
  for (const port of ports) drainPort(port, take);
}

/** Hands the messages already on `port` to `take`. */
export function drainPort<R>(port: MessagePort, take: (r: R) => void): void {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) take(m.message as R);
}

function computeHere(series: StepSeries, plan: readonly PlanStep[], k: number): StepOutcome {
  const step = plan[k] as IndicatorStep;
  try {
    const t0 = performance.now();
    const made = stepColumns(series, step);
    recordStepCost(step, series.base.ts.length, performance.now() - t0);
    return made;
  } catch (error) {
    return { error };
  }
}

/**
 * The columns of every step in `job.runs`, by plan position; on `threads` threads when the job
 * is large enough (and the workers are up or worth starting), else on this thread.
 */
export function runSteps(job: StepsJob, threads: number): Map<number, StepOutcome> {
  const { input, plan, runs } = job;
  const series = new StepSeries(input);
  const made = new Map<number, StepOutcome>();
  const shared = costliestFirst(
    plan,
    runs.filter((k) => isSelfContained(plan[k] as IndicatorStep)),
  );
  const ports = jobWorkers(threads, input.bars.ts.length * shared.length);
  if (ports === null) {
    for (const k of runs) {
      const outcome = computeHere(series, plan, k);
      made.set(k, outcome);
      if ("error" in outcome) break;
    }
    return made;
  }
  const ctl = newControl();
  const context: Record<string, SharedBars> = {};
  for (const k of shared) {
    const step = plan[k] as IndicatorStep;
    const b = step.def.needsBenchmark ? input.context?.[step.params.benchmark as string] : undefined;
    if (b) context[b.ticker] = shareBars(b);
  }
  const message: WorkerJob = {
    kind: "steps",
    config: job.config,
    bars: shareBars(input.bars),
    context,
    items: shared,
    ctl: ctl.buffer as SharedArrayBuffer,
  };
  postJob(ports, message);
  // The steps only this thread can run (context memo, universe) first, while the workers start on the shared ones.
  for (const k of runs) if (!shared.includes(k)) made.set(k, computeHere(series, plan, k));
  let mine = 0;
  for (;;) {
    const i = Atomics.add(ctl, 0, 1);
    if (i >= shared.length) break;
    made.set(shared[i], computeHere(series, plan, shared[i]));
    mine++;
  }
  joinWorkers<WorkerResult>(ctl, shared.length, mine, ports, (r) => {
    // A step that threw on the worker is redone here: its error is the main thread's own.
    made.set(shared[r.item], r.columns ?? computeHere(series, plan, shared[r.item]));
    if (r.columns) recordStepCost(plan[shared[r.item]] as IndicatorStep, input.bars.ts.length, r.ms);
    threadStats.workerSteps++;
  });
  return made;
}
