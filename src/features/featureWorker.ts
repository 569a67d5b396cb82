/**
 * A feature worker thread's entry (bundled and started by featureThreads.ts): takes steps of
 * each job from the shared counter until none is left, and posts each step's columns, moved
 * rather than copied, on its result port.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type { Bars } from "../data";
import { featurePlan } from "./featurePlan";
import type { WorkerJob, WorkerResult } from "./featureThreads";
import { barsOfShared } from "./sharedBars";
import type { IndicatorStep, PlanStep } from "./planSteps";
import { StepSeries, stepColumns } from "./stepColumns";

const results = (workerData as { port: MessagePort }).port;

/** The last job's plan, by its config and timeframe (a universe posts one config for every stock). */
let planned: { key: string; steps: PlanStep[] } | null = null;

function planOf(job: WorkerJob): PlanStep[] {
  const key = `${job.bars.timeframe}\u0000${JSON.stringify(job.config)}`;
  if (planned?.key !== key) planned = { key, steps: featurePlan(job.config, job.bars.timeframe).steps };
  return planned.steps;
}

/** A column that is a view of the shared bars is copied: the frame must own its memory (the NaN policy writes to it). */
function owned(values: Float64Array): Float64Array {
  return values.buffer instanceof SharedArrayBuffer ? values.slice() : values;
}

function run(job: WorkerJob): void {
  const ctl = new Int32Array(job.ctl);
  let series: StepSeries | null = null;
  let steps: PlanStep[] = [];
  for (;;) {
    const i = Atomics.add(ctl, 0, 1);
    if (i >= job.items.length) return;
    let result: WorkerResult = { item: i, columns: null };
    const transfer = new Set<ArrayBuffer>();
    try {
      if (series === null) {
        steps = planOf(job);
        const context: Record<string, Bars> = {};
        for (const [t, s] of Object.entries(job.context)) context[t] = barsOfShared(s);
        series = new StepSeries({ bars: barsOfShared(job.bars), context });
      }
      const made = stepColumns(series, steps[job.items[i]] as IndicatorStep);
      const values = made.values.map(owned);
      for (const v of values) transfer.add(v.buffer as ArrayBuffer);
      result = { item: i, columns: { names: made.names, values } };
    } catch {
      // Redone on the main thread, which throws the error in plan order.
      transfer.clear();
    }
    try {
      results.postMessage(result, [...transfer]);
    } catch {
      results.postMessage({ item: i, columns: null } satisfies WorkerResult);
    }
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
}

parentPort?.on("message", (job: WorkerJob) => {
  try {
    run(job);
  } catch {
    // Nothing escapes a job: the main thread waits for every step a worker took.
  }
});
// Up: featureThreadsReady() resolves.
parentPort?.postMessage("ready");
