/**
 * One model through the split plan: fit per fold on the training rows, predict the test rows
 * (out-of-fold predictions), then refit on every pre-holdout row and predict the final holdout.
 * The holdout is touched only by that last prediction. An `lstm` gets the original row numbers
 * (its windows never span a gap) and NaN where a row has no full window. With `permuteSeed` the training labels
 * of every fit are permuted (the shuffled-label control); test labels stay true.
 */
import { type FeatureMatrix, LstmModel, type Model, takeRows } from "../models";
import { outOfFold, type Split, type SplitPlan, shuffleLabels } from "../validation";
import { type Scores, scoreProbabilities } from "./classificationMetrics";

export interface CrossValidated {
  /** Out-of-fold probabilities, `width` per label row; NaN where no split tests the row. */
  oof: Float64Array;
  /** Holdout probabilities, `width` per label row; NaN outside the holdout. */
  holdout: Float64Array;
  foldScores: Scores[];
  /** The model refitted on all pre-holdout rows (the one saved and registered). */
  finalModel: Model;
  fitSeconds: number;
}

/**
 * Per-row fit weights of one fit's training rows (`labels.class_weight`), from those rows and
 * their (possibly permuted) labels only.
 */
export type TrainingWeigher = (train: Int32Array, yTrain: Float64Array) => Float64Array;

function gather(y: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = y[rows[j]];
  return out;
}

async function fitPredict(
  make: () => Model,
  X: FeatureMatrix,
  y: Float64Array,
  split: Pick<Split, "train" | "test">,
  permuteSeed: number | null,
  weigh?: TrainingWeigher,
): Promise<{ model: Model; probs: Float64Array }> {
  const model = make();
  let yTrain = gather(y, split.train);
  if (permuteSeed !== null) yTrain = shuffleLabels(yTrain, permuteSeed);
  const sampleWeight = weigh?.(split.train, yTrain);
  if (model instanceof LstmModel) {
    // Windows run over consecutive rows only; a test block is predicted with the rows just
    // before it as history (their features, never their labels), so its first rows get a window.
    await model.fit(takeRows(X, split.train), yTrain, { rows: split.train });
    const first = split.test[0];
    const history = Math.min(model.params.window - 1, first);
    const rows = new Int32Array(history + split.test.length);
    for (let j = 0; j < history; j++) rows[j] = first - history + j;
    rows.set(split.test, history);
    const probs = model.predictProba(takeRows(X, rows), rows);
    return { model, probs: probs.slice((probs.length / rows.length) * history) };
  }
  await model.fit(takeRows(X, split.train), yTrain, { sampleWeight });
  return { model, probs: model.predictProba(takeRows(X, split.test)) };
}

export async function crossValidate(
  make: () => Model,
  X: FeatureMatrix,
  y: Float64Array,
  plan: SplitPlan,
  width: number,
  opts: { permuteSeed?: number | null; onFold?: () => void; weigh?: TrainingWeigher } = {},
): Promise<CrossValidated> {
  const started = performance.now();
  const seed = opts.permuteSeed ?? null;
  const perSplit: Float64Array[] = [];
  const foldScores: Scores[] = [];
  for (const [k, split] of plan.splits.entries()) {
    const { probs } = await fitPredict(make, X, y, split, seed === null ? null : seed + k, opts.weigh);
    perSplit.push(probs);
    const local = new Float64Array(split.test.length * width).fill(Number.NaN);
    local.set(probs);
    foldScores.push(scoreProbabilities(gather(y, split.test), local, width));
    opts.onFold?.();
  }
  const oof = outOfFold(plan, perSplit, y.length, width);
  const holdout = new Float64Array(y.length * width).fill(Number.NaN);
  const final = await fitPredict(
    make,
    X,
    y,
    { train: plan.rows, test: plan.holdout },
    seed === null ? null : seed + plan.splits.length,
    opts.weigh,
  );
  plan.holdout.forEach((r, j) => {
    for (let c = 0; c < width; c++) holdout[r * width + c] = final.probs[j * width + c];
  });
  opts.onFold?.();
  return { oof, holdout, foldScores, finalModel: final.model, fitSeconds: (performance.now() - started) / 1000 };
}
