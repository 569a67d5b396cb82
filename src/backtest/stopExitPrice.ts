/**
 * Where a stop-loss / take-profit exits inside one bar, shared by `simulate` and `sweep`.
 * A position carried in from an earlier bar that gaps through a level at the open exits at the
 * open; otherwise at the level the range touches, and when the range touches both levels the
 * stop-loss is assumed (the worse outcome, since the path inside the bar is unknown).
 * @returns the raw exit price, or NaN when neither level is hit
 */
export function stopExitPrice(
  qty: number,
  stopLoss: number,
  takeProfit: number,
  open: number,
  high: number,
  low: number,
  carried: boolean,
): number {
  if (qty > 0) {
    if (carried && open <= stopLoss) return open;
    if (carried && open >= takeProfit) return open;
    if (low <= stopLoss) return stopLoss;
    if (high >= takeProfit) return takeProfit;
  } else {
    if (carried && open >= stopLoss) return open;
    if (carried && open <= takeProfit) return open;
    if (high >= stopLoss) return stopLoss;
    if (low <= takeProfit) return takeProfit;
  }
  return Number.NaN;
}
