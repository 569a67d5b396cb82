/**
 * An up-front estimate of the memory and time the models of a config will take on the data
 * at hand, so that absurd work (n_trees: 1e5 on a million rows, a window of 1000 bars with
 * 4096 units) is refused before training starts, naming the YAML path of the parameter that
 * dominates and the estimate, instead of running for days or failing deep in the tree engine.
 * Each kind's cost function is its `work` in the kinds table (src/models/kinds.ts, with the
 * measured constants in src/models/workCost.ts); this file holds the limits and the messages.
 */
import { totalmem } from "node:os";
import { type KindWork, SINGLE_KINDS, searchVariants, type WorkShape } from "../models";
import type { ModelEntry } from "./config";
import { searchSpecOf } from "./modelSearchConfig";

export type { WorkShape } from "../models";

/** Work a config may ask for; beyond it the run is refused before training. */
export const WORK_LIMITS = {
  /** Estimated training time of all models, all folds, and the control. */
  seconds: 24 * 3600,
  /** WebAssembly memory of one tree-engine fit (gbm, rf): the engine cannot address more. */
  treeBytes: 4 * 2 ** 30,
};

/** One model's estimate and the parameter that drives it. */
export interface ModelWork extends KindWork {
  /** `models[i]` */
  path: string;
}

/**
 * The estimate of one model entry (parsed, defaults filled in) on `shape`. A `search:` adds, per
 * fit, each variant's inner folds (folds − 1 fits' worth of rows each), at most `budget_seconds`.
 */
export function estimateModel(entry: ModelEntry, index: number, shape: WorkShape): ModelWork {
  const path = `models[${index}]`;
  const work = SINGLE_KINDS[entry.kind].work as (params: unknown, shape: WorkShape, path: string) => KindWork;
  const w = { path, ...work(entry.params, shape, path) };
  if (!entry.search) return w;
  const variants = searchVariants(searchSpecOf(entry.kind, entry.params, entry.search)).length;
  const searchSeconds = Math.min(
    w.seconds * variants * (entry.search.folds - 1),
    (entry.search.budget_seconds ?? Number.POSITIVE_INFINITY) * shape.fits,
  );
  return {
    ...w,
    seconds: w.seconds + searchSeconds,
    timeParam: searchSeconds > w.seconds ? `${path}.search.max_trials` : w.timeParam,
    formula: `${w.formula}, searched over ${variants} variants × ${entry.search.folds} inner folds`,
  };
}

function duration(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 1e6 * 3600) return `${(seconds / 3600).toFixed(seconds < 36000 ? 1 : 0)} h`;
  return `${(seconds / 3600).toExponential(1).replace("e+", "e")} h`;
}

function gib(bytes: number): string {
  const g = bytes / 2 ** 30;
  return g < 1e6 ? `${g.toFixed(g < 10 ? 1 : 0)} GiB` : `${g.toExponential(1).replace("e+", "e")} GiB`;
}

/**
 * Throws when the models would need more memory than their engine or the machine has, or more
 * time than WORK_LIMITS.seconds in all (the control refits the costliest model once more).
 */
export function checkWorkload(entries: readonly ModelEntry[], shape: WorkShape, controlRuns: number): ModelWork[] {
  const works = entries.map((e, i) => estimateModel(e, i, shape));
  const memoryLimit = totalmem();
  for (const w of works) {
    const tree = w.treeEngine;
    const limit = tree ? Math.min(WORK_LIMITS.treeBytes, memoryLimit) : memoryLimit;
    if (w.bytes > limit) {
      const where = w.memoryParam ?? w.path;
      throw new Error(
        `${where}: refused before training: one fit would need about ${gib(w.bytes)} of memory ` +
          `(${w.formula}); the limit is ${gib(limit)} (${tree ? "the tree engine's WebAssembly memory" : "this machine's memory"})`,
      );
    }
  }
  const costliest = works.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const total = works.reduce((s, w) => s + w.seconds, 0) + controlRuns * costliest.seconds;
  if (total > WORK_LIMITS.seconds) {
    const where = costliest.timeParam ?? costliest.path;
    throw new Error(
      `${where}: refused before training: the models would train for about ${duration(total)} ` +
        `(${costliest.formula}, ${duration(costliest.seconds)}); the limit is ${duration(WORK_LIMITS.seconds)}`,
    );
  }
  return works;
}
