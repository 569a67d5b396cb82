/**
 * A feature worker thread's entry (bundled and started by featureThreads.ts): takes the items of
 * each job (plan steps, or whole inputs from inputThreads.ts) from the shared counter until none
 * is left, and posts each item's columns, moved rather than copied, on its result port.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type { Bars } from "../data";
import { computeUncached } from "./computeFeatures";
import type { FeatureResult } from "./featureResult";
import { type FeaturePlan, featurePlan } from "./featurePlan";
import type { WorkerJob, WorkerResult } from "./featureThreads";
import type { InputResult, InputsJob } from "./inputThreads";
import { barsOfShared, type SharedBars } from "./sharedBars";
import type { IndicatorStep, PlanStep } from "./planSteps";
import { StepSeries, stepColumns } from "./stepColumns";

const results = (workerData as { port: MessagePort }).port;

/** The last job's plan, by its config and timeframe (a universe posts one config for every stock). */
let planned: { key: string; plan: FeaturePlan } | null = null;

function planOf(config: WorkerJob["config"], timeframe: SharedBars["timeframe"]): FeaturePlan {
  const key = `${timeframe}\u0000${JSON.stringify(config)}`;
  if (planned?.key !== key) planned = { key, plan: featurePlan(config, timeframe) };
  return planned.plan;
}

/**
 * Context series by shared buffer id, one Bars object each, so that the context-step memo
 * (stepColumns.ts), keyed by series object, holds across the inputs of a job and across jobs.
 */
const contextSeries = new Map<number, Bars>();

function contextOf(s: SharedBars): Bars {
  let b = contextSeries.get(s.id);
  if (!b) {
    // A bound on what a long-lived worker keeps: a run has a handful of context series.
    if (contextSeries.size >= 64) contextSeries.clear();
    b = barsOfShared(s);
    contextSeries.set(s.id, b);
  }
  return b;
}

/** A column that is a view of the shared bars is copied: the frame must own its memory (the NaN policy writes to it). */
function owned(values: Float64Array): Float64Array {
  return values.buffer instanceof SharedArrayBuffer ? values.slice() : values;
}

/** Posts a result on the result port and counts its item as finished. */
function finish(
  result: WorkerResult | InputResult,
  transfer: Set<ArrayBuffer>,
  ctl: Int32Array,
  failed: WorkerResult | InputResult,
): void {
  try {
    results.postMessage(result, [...transfer]);
  } catch {
    results.postMessage(failed);
  }
  Atomics.add(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}

function runInputs(job: InputsJob): void {
  const ctl = new Int32Array(job.ctl);
  for (;;) {
    const i = Atomics.add(ctl, 0, 1);
    if (i >= job.inputs.length) return;
    let result: InputResult = { item: i, result: null };
    const transfer = new Set<ArrayBuffer>();
    try {
      const shared = job.inputs[i];
      const context: Record<string, Bars> = {};
      for (const [t, s] of Object.entries(shared.context)) context[t] = contextOf(s);
      const bars = barsOfShared(shared.bars);
      const made: FeatureResult = computeUncached(
        job.config,
        { bars, context },
        "off",
        job.regimes,
        1,
        planOf(job.config, bars.timeframe),
      );
      const columns = made.frame.columns.map(owned);
      const ts = owned(made.frame.ts);
      for (const v of [ts, ...columns]) transfer.add(v.buffer as ArrayBuffer);
      result = { item: i, result: { frame: { ...made.frame, ts, columns }, report: made.report } };
    } catch {
      // Redone on the main thread, which throws the error in input order.
      transfer.clear();
    }
    finish(result, transfer, ctl, { item: i, result: null });
  }
}

function runSteps(job: WorkerJob): void {
  const ctl = new Int32Array(job.ctl);
  let series: StepSeries | null = null;
  let steps: PlanStep[] = [];
  for (;;) {
    const i = Atomics.add(ctl, 0, 1);
    if (i >= job.items.length) return;
    let result: WorkerResult = { item: i, columns: null, ms: 0 };
    const t0 = performance.now();
    const transfer = new Set<ArrayBuffer>();
    try {
      if (series === null) {
        steps = planOf(job.config, job.bars.timeframe).steps;
        const context: Record<string, Bars> = {};
        for (const [t, s] of Object.entries(job.context)) context[t] = contextOf(s);
        series = new StepSeries({ bars: barsOfShared(job.bars), context });
      }
      const made = stepColumns(series, steps[job.items[i]] as IndicatorStep);
      const values = made.values.map(owned);
      for (const v of values) transfer.add(v.buffer as ArrayBuffer);
      result = { item: i, columns: { names: made.names, values }, ms: performance.now() - t0 };
    } catch {
      // Redone on the main thread, which throws the error in plan order.
      transfer.clear();
    }
    finish(result, transfer, ctl, { item: i, columns: null, ms: 0 });
  }
}

parentPort?.on("message", (job: WorkerJob | InputsJob) => {
  try {
    if (job.kind === "inputs") runInputs(job);
    else runSteps(job);
  } catch {
    // Nothing escapes a job: the main thread waits for every step a worker took.
  }
});
// Up: featureThreadsReady() resolves.
parentPort?.postMessage("ready");
