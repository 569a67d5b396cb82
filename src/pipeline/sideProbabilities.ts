/**
 * P(up) and P(down) from a model's calibrated probabilities, `width` per row: 1 for binary labels
 * (P(class 1), read as up), else one per class with down first and up last. The backtest's
 * signals (tradedMarket.ts) and the forecast's decision (forecast/decision.ts) both read them here.
 *
 * Meta labels (`side` given: the primary's side at the row): the model's P(TAKE) goes to the
 * primary's side and 0 to the other, so the position is the primary side when the model says
 * TAKE (its probability reaches that side's threshold), sized by P(TAKE) under Kelly sizing.
 * Without a primary side (0 or NaN) the row has no signal.
 */

export function upProbability(probs: ArrayLike<number>, row: number, width: number, side?: number): number {
  if (side !== undefined) return metaProbability(probs[row], side, 1);
  return width === 1 ? probs[row] : probs[row * width + width - 1];
}

export function downProbability(probs: ArrayLike<number>, row: number, width: number, side?: number): number {
  if (side !== undefined) return metaProbability(probs[row], side, -1);
  return width === 1 ? 1 - probs[row] : probs[row * width];
}

function metaProbability(pTake: number, side: number, wanted: 1 | -1): number {
  if ((side !== 1 && side !== -1) || Number.isNaN(pTake)) return Number.NaN;
  return side === wanted ? pTake : 0;
}
