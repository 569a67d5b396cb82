/**
 * The selected variant's out-of-sample confusion matrices: its arg-max class against the label
 * (scikit-learn's `confusion_matrix` of the predicted class), and the position the signal blocks
 * take (short / flat / long at `signals.long_above` / `short_above`) against the label: what the
 * classifier's mistakes cost once they are trades.
 */
import { signalsFromProbabilities } from "../backtest";
import { confusionMatrix, predictClasses } from "../calibration";
import { presentRows } from "./classificationMetrics";
import type { ExperimentResult } from "./experimentResult";
import { selectedVariant } from "./reportVariants";
import { downProbability, upProbability } from "./sideProbabilities";

export interface ConfusionTable {
  variant: string;
  /** Label classes, down the rows. */
  trueLabels: readonly string[];
  /** Predictions across the columns. */
  predictedLabels: readonly string[];
  /** counts[i][j]: rows of true class i given prediction j. */
  counts: number[][];
  rows: number;
}

function oosRows(r: ExperimentResult) {
  const v = selectedVariant(r);
  return { variant: v.name, ...presentRows(r.y, v.oof, r.width, r.plan.rows) };
}

/** The arg-max class (a binary P(class 1) above 0.5) against the label. */
export function argmaxConfusion(r: ExperimentResult): ConfusionTable {
  const p = oosRows(r);
  const k = r.width === 1 ? 2 : r.width;
  const flat = confusionMatrix(p.y, predictClasses(p.probs, p.y.length), k);
  const counts = Array.from({ length: k }, (_, i) => Array.from(flat.subarray(i * k, (i + 1) * k)));
  return { variant: p.variant, trueLabels: r.classes, predictedLabels: r.classes, counts, rows: p.y.length };
}

/** The signal's position (short, flat, long) against the label. */
export function signalConfusion(r: ExperimentResult): ConfusionTable {
  const p = oosRows(r);
  const n = p.y.length;
  const up = Float64Array.from({ length: n }, (_, i) => upProbability(p.probs, i, r.width));
  const down = Float64Array.from({ length: n }, (_, i) => downProbability(p.probs, i, r.width));
  const signal = signalsFromProbabilities(up, r.config.signals, down);
  const k = r.classes.length;
  const counts = Array.from({ length: k }, () => [0, 0, 0]);
  for (let i = 0; i < n; i++) counts[p.y[i]][signal[i] + 1]++;
  const short = r.config.signals.long_only ? "short (exit: long only)" : "short";
  return { variant: p.variant, trueLabels: r.classes, predictedLabels: [short, "flat", "long"], counts, rows: n };
}
