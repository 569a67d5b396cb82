/**
 * What a model kind's cost function (its row in kinds.ts) returns: a rough estimate of one
 * config entry's training time and memory, so that absurd work is refused before training
 * (pipeline/workEstimate.ts holds the limits and the messages).
 *
 * The estimates are deliberately rough (within a small factor): the limits they are held to
 * are far from any sensible config. Time constants were measured on the project's 2-core
 * machine (20,000 rows × 50 features): gbm about 1.6–3 ns per row·feature·tree level, rf about
 * 25–45 ns per row·sampled feature·level, logistic about 0.65 ns per row·feature·iteration;
 * (2,000 rows × 20 features) lstm about 8 ns per multiply-add, mljs_rf about 8 µs per
 * row·sampled feature·level. Early stopping (lstm, logistic) can only make a fit shorter.
 */
import { availableParallelism } from "node:os";

/** The data a model is fitted on. */
export interface WorkShape {
  rows: number;
  features: number;
  classes: number;
  /** Fits per model: the walk-forward folds plus the final refit. */
  fits: number;
}

/** One entry's estimate and the parameter that drives it. */
export interface KindWork {
  seconds: number;
  bytes: number;
  /** One fit lives in the tree engine's WebAssembly memory, which cannot address more than 4 GiB. */
  treeEngine: boolean;
  /** YAML path of the parameter that dominates the time (or the memory, when that is what fails). */
  timeParam: string | null;
  memoryParam: string | null;
  /** How the estimate was formed, for the error message. */
  formula: string;
}

export const NS = 1e-9;

/** Cores the tree engine spreads a fit over. */
export function cores(): number {
  return Math.max(1, availableParallelism());
}

/** The parameter furthest above its default, by ratio; null when none is (then the data dominates). */
export function dominant(path: string, ratios: Record<string, number>): string | null {
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

/** A count as the messages print it: an integer, or 1.0e6 style from a million up. */
export function count(x: number): string {
  return x >= 1e6 ? x.toExponential(1).replace("e+", "e") : String(Math.round(x));
}

/** `rows × features, fits` as every formula ends. */
export function dataOf(shape: WorkShape): string {
  return `${count(shape.rows)} rows × ${shape.features} features, ${shape.fits} fits`;
}
