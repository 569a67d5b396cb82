/** Per-trade statistics from the trade log (net of costs). */
import type { TradeLog } from "./tradeLog";

export interface TradeStatistics {
  trades: number;
  winRate: number;
  /** Sum of winning P&L over the absolute sum of losing P&L (Infinity without losses). */
  profitFactor: number;
  /** Mean net P&L per trade, in currency. */
  expectancy: number;
  /** Mean net return per trade on its entry notional. */
  expectancyPct: number;
  avgWin: number;
  avgLoss: number;
  avgWinPct: number;
  avgLossPct: number;
  avgBarsHeld: number;
  totalCosts: number;
}

export function tradeStatistics(log: TradeLog): TradeStatistics {
  let wins = 0;
  let losses = 0;
  let sumWin = 0;
  let sumLoss = 0;
  let sumWinPct = 0;
  let sumLossPct = 0;
  let sumPct = 0;
  let bars = 0;
  let costs = 0;
  for (let i = 0; i < log.length; i++) {
    const p = log.pnl[i];
    if (p > 0) {
      wins++;
      sumWin += p;
      sumWinPct += log.returnPct[i];
    } else if (p < 0) {
      losses++;
      sumLoss += p;
      sumLossPct += log.returnPct[i];
    }
    sumPct += log.returnPct[i];
    bars += log.exitIndex[i] - log.entryIndex[i];
    costs += log.costs[i];
  }
  const n = log.length;
  return {
    trades: n,
    winRate: n ? wins / n : Number.NaN,
    profitFactor: sumLoss < 0 ? sumWin / -sumLoss : sumWin > 0 ? Number.POSITIVE_INFINITY : Number.NaN,
    expectancy: n ? (sumWin + sumLoss) / n : Number.NaN,
    expectancyPct: n ? sumPct / n : Number.NaN,
    avgWin: wins ? sumWin / wins : Number.NaN,
    avgLoss: losses ? sumLoss / losses : Number.NaN,
    avgWinPct: wins ? sumWinPct / wins : Number.NaN,
    avgLossPct: losses ? sumLossPct / losses : Number.NaN,
    avgBarsHeld: n ? bars / n : Number.NaN,
    totalCosts: costs,
  };
}
