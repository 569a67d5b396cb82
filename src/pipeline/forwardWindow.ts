/**
 * A retrain's forward window (docs/architecture.md, "Promotion"): the challenger's final-holdout
 * rows whose bars come after the champion's final holdout. The champion never trained on them
 * (it was refitted on the rows before its holdout) nor was selected on them (its holdout chose
 * it); the challenger never trained on them (they are its holdout). Both predict them: the
 * challenger as its run did, the champion as its registered version loads.
 */
import { type ForwardComparison, forwardTwin } from "../promotion";
import type { Scores } from "./classificationMetrics";
import { scoreProbabilities } from "./classificationMetrics";
import type { ExperimentResult } from "./experimentResult";
import type { RegisteredModel } from "./loadRegisteredModel";
import { predictPanelRows } from "./panelPredictions";

/** The probabilities the run's selected variant gave its final holdout (full panel length, NaN elsewhere). */
export function selectedHoldoutProbs(r: ExperimentResult): Float64Array {
  if (r.selected === "ensemble" && r.ensemble) return r.ensemble.holdoutProbs;
  const m = r.models.find((x) => x.name === r.selected);
  if (!m) throw new Error(`run result: selected variant ${r.selected} is not among its models`);
  return m.holdoutProbs;
}

/** The Scores field a promotion metric reads (`oos_logloss` → logloss). */
function scoreField(metric: string): keyof Scores {
  const field = metric.replace(/^(oos|holdout)_/, "");
  if (field !== "logloss" && field !== "auc" && field !== "ece" && field !== "accuracy") {
    throw new Error(`promotion.metric ${metric}: no forward-window score of that name`);
  }
  return field;
}

/**
 * Both models' `metric` on the challenger's holdout rows after `after` (the champion's final
 * holdout end); rows without a label are left out. No such row: the window is null.
 */
export function forwardComparison(
  r: ExperimentResult,
  champion: RegisteredModel,
  after: number,
  metric: string,
): ForwardComparison {
  const key = forwardTwin(metric);
  const candidates = Int32Array.from(
    r.plan.holdout.filter((row) => r.panel.ts[row] > after && !Number.isNaN(r.y[row])),
  );
  const none = { key, value: Number.NaN };
  if (candidates.length === 0) return { window: null, rows: 0, after, challenger: none, champion: none };
  const field = scoreField(metric);
  const mineProbs = selectedHoldoutProbs(r);
  const theirs = new Float64Array(r.y.length * r.width).fill(Number.NaN);
  const predicted = predictPanelRows(champion, r.panel, candidates, r.regimes);
  candidates.forEach((row, i) => {
    for (let c = 0; c < r.width; c++) theirs[row * r.width + c] = predicted[i * r.width + c];
  });
  // The rows both predicted (a missing feature leaves a row unpredicted), so both are scored alike.
  const rows = candidates.filter(
    (row) => !Number.isNaN(mineProbs[row * r.width]) && !Number.isNaN(theirs[row * r.width]),
  );
  if (rows.length === 0) return { window: null, rows: 0, after, challenger: none, champion: none };
  const mine = scoreProbabilities(r.y, mineProbs, r.width, rows);
  const champ = scoreProbabilities(r.y, theirs, r.width, rows);
  return {
    window: { start: r.panel.ts[rows[0]], end: r.panel.ts[rows[rows.length - 1]] },
    rows: rows.length,
    after,
    challenger: { key, value: mine[field] },
    champion: { key, value: champ[field] },
  };
}
