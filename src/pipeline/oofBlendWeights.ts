/**
 * The run's blend (the config's `ensemble:` block) of its models' calibrated probabilities, fitted
 * on out-of-fold (OOF) predictions only, so the final holdout stays unseen by selection:
 *
 * - `weighted`: simplex weights minimising the OOF log-loss (models/simplex.ts);
 * - `mean`: equal weights; `fixed`: the config's weights, normalised to sum one;
 * - `ridge`: ridge regression (α, default 1) of the labels on the OOF probabilities, w ≥ 0,
 *   normalised to sum one (models/blendCombiner.ts);
 * - `stacking`: a `logistic` meta-model on the OOF probabilities.
 *
 * Honesty of the blend's own score: a blend fitted on all OOF rows and scored on them is scored
 * in sample for its weights. So every fitted kind is cross-fitted (`crossFitBlend`): fold k's OOF
 * rows are blended by a combiner fitted on the OOF rows inside split k's training set (the other
 * folds' predictions the splitter left in training, already purged and embargoed around fold k;
 * in walk-forward, the earlier folds). A fold whose training rows hold too few OOF predictions
 * (walk-forward's first fold has none) gets equal weights, the unfitted blend. The holdout and the
 * saved model use the combiner fitted on every OOF row. `mean` and `fixed` fit nothing: one
 * combiner everywhere.
 */
import {
  type BlendCombiner,
  combineMembers,
  dominanceWarnings,
  fitRidgeCoefficients,
  fitSimplexWeights,
  fitStackingMeta,
  ridgeBlendWeights,
} from "../models";
import type { SplitPlan } from "../validation";
import type { EnsembleConfig } from "./config";

/** OOF rows a blend is fitted on at least (fewer: equal weights); every class must occur too. */
export const MIN_BLEND_ROWS = 100;

/** Rows of `candidates` where every member has a prediction and the label is present. */
function commonRows(
  y: Float64Array,
  members: readonly Float64Array[],
  width: number,
  candidates: Iterable<number>,
): number[] {
  const rows: number[] = [];
  for (const r of candidates) {
    if (Number.isNaN(y[r])) continue;
    if (members.every((m) => !Number.isNaN(m[r * width]))) rows.push(r);
  }
  return rows;
}

function takeMemberRows(members: readonly Float64Array[], rows: readonly number[], width: number): Float64Array[] {
  return members.map((m) => {
    const out = new Float64Array(rows.length * width);
    rows.forEach((r, j) => {
      for (let c = 0; c < width; c++) out[j * width + c] = m[r * width + c];
    });
    return out;
  });
}

function equalWeights(k: number): BlendCombiner {
  return { kind: "linear", weights: new Float64Array(k).fill(1 / k) };
}

/** Whether the kind learns anything from the OOF rows (mean and fixed do not). */
export function isFittedKind(kind: EnsembleConfig["kind"]): boolean {
  return kind === "weighted" || kind === "ridge" || kind === "stacking";
}

/**
 * The config's combiner fitted on the OOF predictions of `candidates` (label rows), or null when
 * they hold fewer than MIN_BLEND_ROWS usable rows or miss a class. `memberNames`: the members'
 * model names, in the order of `members` (fixed weights are looked up by name).
 */
export function fitBlendCombiner(
  ensemble: EnsembleConfig,
  memberNames: readonly string[],
  y: Float64Array,
  members: readonly Float64Array[],
  width: number,
  candidates: Iterable<number>,
): BlendCombiner | null {
  const k = members.length;
  if (ensemble.kind === "mean") return equalWeights(k);
  if (ensemble.kind === "fixed") {
    const w = Float64Array.from(memberNames, (name) => ensemble.weights[name] ?? 0);
    const s = w.reduce((a, b) => a + b, 0);
    return { kind: "linear", weights: w.map((v) => v / s) };
  }
  const rows = commonRows(y, members, width, candidates);
  const classes = new Set(rows.map((r) => y[r]));
  if (rows.length < MIN_BLEND_ROWS || classes.size < Math.max(2, width)) return null;
  const P = takeMemberRows(members, rows, width);
  const yy = Float64Array.from(rows, (r) => y[r]);
  if (ensemble.kind === "weighted") return { kind: "linear", weights: fitSimplexWeights(P, yy, width, "logloss", 0) };
  if (ensemble.kind === "ridge")
    return { kind: "linear", weights: ridgeBlendWeights(fitRidgeCoefficients(P, yy, width, ensemble.alpha)) };
  return { kind: "stacking", meta: fitStackingMeta(P, yy, width, ensemble.meta) };
}

export interface CrossFittedBlend {
  /** Fitted on every OOF row: what the holdout and the saved model use. */
  combiner: BlendCombiner;
  /** The blend's OOF probabilities, each fold's from a combiner fitted outside it (NaN where a member is). */
  oofProbs: Float64Array;
  /** Folds blended by a combiner fitted on their training rows (the rest: equal weights); null for kinds fitting nothing. */
  crossFitted: { fitted: number; folds: number } | null;
  /** Run notes, one line each: a member dominating the blend; folds or a blend left unfitted for want of OOF rows. */
  notes: string[];
}

/** The blend's cross-fitted OOF probabilities and its combiner fitted on all OOF rows. */
export function crossFitBlend(
  ensemble: EnsembleConfig,
  memberNames: readonly string[],
  plan: SplitPlan,
  y: Float64Array,
  members: readonly Float64Array[],
  width: number,
): CrossFittedBlend {
  const k = members.length;
  const notes: string[] = [];
  const all = fitBlendCombiner(ensemble, memberNames, y, members, width, plan.rows);
  const combiner = all ?? equalWeights(k);
  if (!all)
    notes.push(
      `ensemble (${ensemble.kind}): fewer than ${MIN_BLEND_ROWS} out-of-fold rows with every class; the blend falls back to equal weights`,
    );
  if (ensemble.kind === "weighted" || ensemble.kind === "ridge")
    notes.push(
      ...dominanceWarnings(
        combiner.kind === "linear" ? combiner.weights : [],
        memberNames.map((n) => `ensemble member ${n}`),
      ),
    );
  if (!isFittedKind(ensemble.kind))
    return { combiner, oofProbs: combineMembers(combiner, members, width), crossFitted: null, notes };

  const oofProbs = new Float64Array(members[0].length).fill(Number.NaN);
  const done = new Uint8Array(y.length);
  let fitted = 0;
  for (const split of plan.splits) {
    // CPCV tests a row in several splits; members hold one OOF value per row, blended once.
    const test = Array.from(split.test).filter((r) => !done[r]);
    if (test.length === 0) continue;
    const fold = fitBlendCombiner(ensemble, memberNames, y, members, width, split.train);
    if (fold) fitted++;
    const blended = combineMembers(fold ?? equalWeights(k), takeMemberRows(members, test, width), width);
    test.forEach((r, j) => {
      done[r] = 1;
      for (let c = 0; c < width; c++) oofProbs[r * width + c] = blended[j * width + c];
    });
  }
  const folds = plan.splits.length;
  if (fitted < folds)
    notes.push(
      `ensemble (${ensemble.kind}): out of fold, ${folds - fitted} of ${folds} folds had fewer than ${MIN_BLEND_ROWS} out-of-fold training rows to fit the blend on (walk-forward's first has none) and are blended with equal weights`,
    );
  return { combiner, oofProbs, crossFitted: { fitted, folds }, notes };
}
