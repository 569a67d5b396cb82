/**
 * P(up) and P(down) from a model's calibrated probabilities, `width` per row: 1 for binary labels
 * (P(class 1), read as up), else one per class with down first and up last. The backtest's
 * signals (tradedMarket.ts) and the forecast's decision (forecast/decision.ts) both read them here.
 */

export function upProbability(probs: ArrayLike<number>, row: number, width: number): number {
  return width === 1 ? probs[row] : probs[row * width + width - 1];
}

export function downProbability(probs: ArrayLike<number>, row: number, width: number): number {
  return width === 1 ? 1 - probs[row] : probs[row * width];
}
