/**
 * The order in which threads take a computation's steps (featureThreads.ts): costliest first,
 * so that the last steps, taken when one thread is already idle, are short ones. A step's cost
 * is its last measured time per bar in this process (on any thread); steps not measured yet
 * keep their plan order after the measured ones of more than a typical cost. The order changes
 * which thread makes a column, never its value.
 */
import type { IndicatorStep, PlanStep } from "./planSteps";

/** Cost (ns a bar) assumed for a step not measured yet: a typical step of the default set. */
const TYPICAL_NS = 50;

const measured = new Map<string, number>();
/** Each step's key, made once per plan (a run's inputs share one plan). */
const keys = new WeakMap<IndicatorStep, string>();

function keyOf(step: IndicatorStep): string {
  let key = keys.get(step);
  if (key === undefined) {
    const tf = step.source.kind === "timeframe" ? step.source.timeframe : "";
    key = `${step.path}\u0000${step.def.name}\u0000${tf}\u0000${JSON.stringify(step.params)}`;
    keys.set(step, key);
  }
  return key;
}

/** Records that `step` took `ms` over `bars` base bars. */
export function recordStepCost(step: IndicatorStep, bars: number, ms: number): void {
  if (bars > 0) measured.set(keyOf(step), (ms * 1e6) / bars);
}

/** `items` (plan positions) sorted by estimated cost, costliest first; ties keep plan order. */
export function costliestFirst(plan: readonly PlanStep[], items: readonly number[]): number[] {
  const costs = new Map<number, number>();
  for (const k of items) costs.set(k, measured.get(keyOf(plan[k] as IndicatorStep)) ?? TYPICAL_NS);
  return [...items].sort((a, b) => (costs.get(b) as number) - (costs.get(a) as number));
}
