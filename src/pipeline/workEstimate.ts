/**
 * An up-front estimate of the memory and time the models of a config will take on the data
 * at hand, so that absurd work (n_trees: 1e5 on a million rows, a window of 1000 bars with
 * 4096 units) is refused before training starts, naming the YAML path of the parameter that
 * dominates and the estimate, instead of running for days or failing deep in the tree engine.
 *
 * The estimates are deliberately rough (within a small factor): the limits they are held to
 * are far from any sensible config. Time constants were measured on the project's 2-core
 * machine (20,000 rows × 50 features): gbm about 1.6–3 ns per row·feature·tree level, rf about
 * 25–45 ns per row·sampled feature·level, logistic about 0.65 ns per row·feature·iteration;
 * (2,000 rows × 20 features) lstm about 8 ns per multiply-add, mljs_rf about 8 µs per
 * row·sampled feature·level. Early stopping (lstm, logistic) can only make a fit shorter.
 */
import { availableParallelism, totalmem } from "node:os";
import type { ModelEntry } from "./config";

/** Work a config may ask for; beyond it the run is refused before training. */
export const WORK_LIMITS = {
  /** Estimated training time of all models, all folds, and the control. */
  seconds: 24 * 3600,
  /** WebAssembly memory of one tree-engine fit (gbm, rf): the engine cannot address more. */
  treeBytes: 4 * 2 ** 30,
};

/** The data a model is fitted on. */
export interface WorkShape {
  rows: number;
  features: number;
  classes: number;
  /** Fits per model: the walk-forward folds plus the final refit. */
  fits: number;
}

/** One model's estimate and the parameter that drives it. */
export interface ModelWork {
  /** `models[i]` */
  path: string;
  seconds: number;
  bytes: number;
  /** YAML path of the parameter that dominates the time (or the memory, when that is what fails). */
  timeParam: string | null;
  memoryParam: string | null;
  /** How the estimate was formed, for the error message. */
  formula: string;
}

const NS = 1e-9;

/** The parameter furthest above its default, by ratio; null when none is (then the data dominates). */
function dominant(path: string, ratios: Record<string, number>): string | null {
  let best: string | null = null;
  let top = 1;
  for (const [name, ratio] of Object.entries(ratios)) {
    if (ratio > top) {
      top = ratio;
      best = `${path}.params.${name}`;
    }
  }
  return best;
}

function count(x: number): string {
  return x >= 1e6 ? x.toExponential(1).replace("e+", "e") : String(Math.round(x));
}

/** The estimate of one model entry (parsed, defaults filled in) on `shape`. */
export function estimateModel(entry: ModelEntry, index: number, shape: WorkShape): ModelWork {
  const path = `models[${index}]`;
  const { rows, features: F, classes, fits } = shape;
  const cores = Math.max(1, availableParallelism());
  const data = `${count(rows)} rows × ${F} features, ${fits} fits`;
  switch (entry.kind) {
    case "gbm": {
      const p = entry.params;
      const levels = p.max_depth > 0 ? p.max_depth : Math.log2(p.max_leaves + 1);
      const treesPerRound = classes > 2 ? classes : 1;
      const seconds = (2 * NS * rows * F * levels * p.n_trees * treesPerRound * fits) / cores;
      // The histogram slots (one per open node on the growth stack, 512 doubles per feature)
      // dominate the engine's memory once the data is small: see gbm.ts's arena.
      const slots = (p.max_leaves > 0 ? p.max_leaves : p.max_depth + 1) + 3;
      const histBytes = slots * (Math.ceil(F / 4) * 4) * 512 * 8;
      const dataBytes = rows * (3 * F + 8 * (6 + 2 * treesPerRound));
      return {
        path,
        seconds,
        bytes: histBytes + dataBytes,
        timeParam: dominant(path, { n_trees: p.n_trees / 100, max_depth: p.max_depth / 6 }),
        memoryParam: histBytes > dataBytes ? `${path}.params.${p.max_leaves > 0 ? "max_leaves" : "max_depth"}` : null,
        formula: `gbm: ${count(p.n_trees)} trees × ${Math.round(levels)} levels on ${data}`,
      };
    }
    case "rf": {
      const p = entry.params;
      const mf = p.max_features;
      const mtry =
        mf === "sqrt" ? Math.sqrt(F) : mf === "log2" ? Math.log2(F) : mf === "all" ? F : mf < 1 ? mf * F : mf;
      const levels = p.max_depth > 0 ? Math.min(p.max_depth, Math.log2(rows)) : Math.log2(Math.max(2, rows));
      const seconds = (25 * NS * rows * Math.min(F, mtry) * levels * p.n_trees * fits) / cores;
      return {
        path,
        seconds,
        bytes: rows * F * 2 + 3 * F * 512 * 8,
        timeParam: dominant(path, { n_trees: p.n_trees / 100 }),
        memoryParam: null,
        formula: `rf: ${count(p.n_trees)} trees × ${Math.round(levels)} levels on ${data}`,
      };
    }
    case "mljs_rf": {
      const p = entry.params;
      const levels = Math.min(p.max_depth, Math.log2(Math.max(2, rows)));
      const seconds = 8000 * NS * rows * F * p.max_features * levels * p.n_trees * fits;
      return {
        path,
        seconds,
        bytes: rows * F * 8,
        timeParam: dominant(path, { n_trees: p.n_trees / 50, max_depth: p.max_depth / 10 }),
        memoryParam: null,
        formula: `mljs_rf: ${count(p.n_trees)} trees × ${Math.round(levels)} levels on ${data}`,
      };
    }
    case "logistic": {
      const p = entry.params;
      const width = classes > 2 ? classes : 1;
      return {
        path,
        seconds: 0.65 * NS * rows * F * width * p.max_iter * fits,
        bytes: rows * F * 8,
        timeParam: dominant(path, { max_iter: p.max_iter / 1000 }),
        memoryParam: null,
        formula: `logistic: up to ${count(p.max_iter)} iterations on ${data}`,
      };
    }
    case "lstm": {
      const p = entry.params;
      // Per window and epoch: `window` steps of 4 gates over (features + units) inputs, forward
      // and backward (about 3× the forward multiply-adds), at about 8 ns each in tfjs-wasm.
      const perWindow = p.window * 4 * p.units * (F + p.units) * 3;
      const seconds = 8 * NS * rows * perWindow * p.epochs * fits;
      const bytes = rows * p.window * F * 4 * 3;
      return {
        path,
        seconds,
        bytes,
        timeParam: dominant(path, { epochs: p.epochs / 30, window: p.window / 20, units: p.units / 32 }),
        memoryParam: `${path}.params.window`,
        formula: `lstm: ${count(p.epochs)} epochs × windows of ${p.window} bars × ${p.units} units on ${data}`,
      };
    }
  }
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
  for (const [i, w] of works.entries()) {
    const tree = entries[i].kind === "gbm" || entries[i].kind === "rf";
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
