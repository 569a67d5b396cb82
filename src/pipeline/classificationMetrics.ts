/**
 * The scores every model is reported with, on one set of rows: ROC-AUC (one-vs-rest for 3
 * classes), log-loss, ECE and accuracy. Probabilities are `width` values per row (1: P(class 1)).
 */
import {
  accuracy,
  expectedCalibrationError,
  logLoss,
  predictClasses,
  reliabilityTable,
  type ReliabilityTable,
  rocAuc,
  rocAucOvr,
} from "../calibration";

export interface Scores {
  rows: number;
  auc: number;
  logloss: number;
  ece: number;
  accuracy: number;
}

const NO_SCORES: Scores = { rows: 0, auc: Number.NaN, logloss: Number.NaN, ece: Number.NaN, accuracy: Number.NaN };

/** Gathers the rows whose label and prediction are both present. */
export function presentRows(y: Float64Array, probs: Float64Array, width: number, rows?: ArrayLike<number>) {
  const idx: number[] = [];
  const candidates = rows ?? Array.from({ length: y.length }, (_, i) => i);
  for (let j = 0; j < candidates.length; j++) {
    const r = candidates[j];
    if (!Number.isNaN(y[r]) && !Number.isNaN(probs[r * width])) idx.push(r);
  }
  const yy = new Float64Array(idx.length);
  const pp = new Float64Array(idx.length * width);
  idx.forEach((r, j) => {
    yy[j] = y[r];
    for (let c = 0; c < width; c++) pp[j * width + c] = probs[r * width + c];
  });
  return { rows: idx, y: yy, probs: pp };
}

function hasBothClasses(y: Float64Array): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return true;
  return false;
}

/** Scores over `rows` (default all); NaN scores when fewer than two classes are present. */
export function scoreProbabilities(
  y: Float64Array,
  probs: Float64Array,
  width: number,
  rows?: ArrayLike<number>,
): Scores {
  const p = presentRows(y, probs, width, rows);
  if (p.y.length < 2 || !hasBothClasses(p.y)) return { ...NO_SCORES, rows: p.y.length };
  const n = p.y.length;
  return {
    rows: n,
    auc: width === 1 ? rocAuc(p.y, p.probs) : rocAucOvr(p.y, p.probs),
    logloss: logLoss(p.y, p.probs),
    ece: expectedCalibrationError(p.y, p.probs),
    accuracy: accuracy(p.y, predictClasses(p.probs, n)),
  };
}

/** Reliability table of P(up) (binary) or of the top class (K classes) over `rows` (default all), for the report's plot. */
export function reliabilityOf(
  y: Float64Array,
  probs: Float64Array,
  width: number,
  rows?: ArrayLike<number>,
): ReliabilityTable | null {
  const p = presentRows(y, probs, width, rows);
  if (p.y.length < 2) return null;
  if (width === 1) return reliabilityTable(p.y, p.probs, 10);
  const n = p.y.length;
  const pred = predictClasses(p.probs, n);
  const conf = new Float64Array(n);
  const correct = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    conf[i] = p.probs[i * width + pred[i]];
    correct[i] = pred[i] === p.y[i] ? 1 : 0;
  }
  return reliabilityTable(correct, conf, 10);
}
