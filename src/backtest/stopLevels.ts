/**
 * Stop-loss and take-profit levels: `multiple` ATRs (times `volatile_widen` on a volatile signal
 * bar) from a reference price, against and with the position. The kernel sets them from the
 * entry fill (barStep.ts); the forecast from the signal bar's close.
 */
import type { StopsConfig } from "./config";

/** NaN when the config sets no stop-loss. */
export function stopLossLevel(price: number, dir: number, multiple: number | null, widen: number, atr: number): number {
  return multiple === null ? Number.NaN : price - dir * multiple * widen * atr;
}

/** NaN when the config sets no take-profit. */
export function takeProfitLevel(
  price: number,
  dir: number,
  multiple: number | null,
  widen: number,
  atr: number,
): number {
  return multiple === null ? Number.NaN : price + dir * multiple * widen * atr;
}

/** Both levels for a position `dir` (±1) from `price`; null where the config sets none. */
export function stopLevels(
  stops: StopsConfig,
  price: number,
  dir: 1 | -1,
  atr: number,
  volatile: boolean,
): { stopLoss: number | null; takeProfit: number | null } {
  const widen = volatile ? stops.volatile_widen : 1;
  return {
    stopLoss: stops.stop_loss_atr === null ? null : stopLossLevel(price, dir, stops.stop_loss_atr, widen, atr),
    takeProfit: stops.take_profit_atr === null ? null : takeProfitLevel(price, dir, stops.take_profit_atr, widen, atr),
  };
}
