/** Columnar trade log: one entry per round trip, parallel typed arrays (no per-trade objects). */

export const EXIT_REASONS = [
  "signal",
  "horizon",
  "stop_loss",
  "take_profit",
  "guard_win_rate",
  "guard_drawdown",
  "guard_daily_loss",
  "end",
] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];
export const EXIT = Object.fromEntries(EXIT_REASONS.map((r, i) => [r, i])) as Record<ExitReason, number>;

export interface TradeLog {
  readonly length: number;
  /** Ticker of each asset index. */
  readonly tickers: readonly string[];
  readonly asset: Int32Array;
  /** +1 long, -1 short. */
  readonly direction: Int8Array;
  readonly entryIndex: Int32Array;
  readonly exitIndex: Int32Array;
  readonly entryTime: Float64Array;
  readonly exitTime: Float64Array;
  /** Execution prices, after spread, slippage and impact. */
  readonly entryPrice: Float64Array;
  readonly exitPrice: Float64Array;
  /** Shares held (absolute). */
  readonly shares: Float64Array;
  /** All costs of the round trip: spread, slippage, impact, commissions, borrow. */
  readonly costs: Float64Array;
  /** The impact part of `costs`. */
  readonly impactCosts: Float64Array;
  /** Dividends received (paid when short). */
  readonly dividends: Float64Array;
  /** P&L before any cost (raw fill prices, dividends included). */
  readonly grossPnl: Float64Array;
  /** Net P&L = grossPnl - costs. */
  readonly pnl: Float64Array;
  /** Net P&L over the entry notional at the raw fill price. */
  readonly returnPct: Float64Array;
  /** Index into EXIT_REASONS. */
  readonly exitReason: Uint8Array;
}

export class TradeLogBuilder {
  private readonly cols: number[][] = Array.from({ length: 16 }, () => []);
  constructor(private readonly tickers: readonly string[]) {}

  push(
    asset: number,
    direction: number,
    entryIndex: number,
    exitIndex: number,
    entryTime: number,
    exitTime: number,
    entryPrice: number,
    exitPrice: number,
    shares: number,
    costs: number,
    impactCosts: number,
    dividends: number,
    grossPnl: number,
    entryNotional: number,
    exitReason: number,
  ): void {
    const c = this.cols;
    c[0].push(asset);
    c[1].push(direction);
    c[2].push(entryIndex);
    c[3].push(exitIndex);
    c[4].push(entryTime);
    c[5].push(exitTime);
    c[6].push(entryPrice);
    c[7].push(exitPrice);
    c[8].push(shares);
    c[9].push(costs);
    c[10].push(impactCosts);
    c[11].push(dividends);
    c[12].push(grossPnl);
    c[13].push(grossPnl - costs);
    c[14].push((grossPnl - costs) / entryNotional);
    c[15].push(exitReason);
  }

  build(): TradeLog {
    const c = this.cols;
    return {
      length: c[0].length,
      tickers: this.tickers,
      asset: Int32Array.from(c[0]),
      direction: Int8Array.from(c[1]),
      entryIndex: Int32Array.from(c[2]),
      exitIndex: Int32Array.from(c[3]),
      entryTime: Float64Array.from(c[4]),
      exitTime: Float64Array.from(c[5]),
      entryPrice: Float64Array.from(c[6]),
      exitPrice: Float64Array.from(c[7]),
      shares: Float64Array.from(c[8]),
      costs: Float64Array.from(c[9]),
      impactCosts: Float64Array.from(c[10]),
      dividends: Float64Array.from(c[11]),
      grossPnl: Float64Array.from(c[12]),
      pnl: Float64Array.from(c[13]),
      returnPct: Float64Array.from(c[14]),
      exitReason: Uint8Array.from(c[15]),
    };
  }
}

/** CSV of the trade log (the MLflow artifact backtest/trades.csv); times as ISO-8601 UTC. */
export function tradeLogToCsv(log: TradeLog): string {
  const lines = [
    "ticker,direction,entry_time,entry_price,exit_time,exit_price,shares,costs,impact_costs,dividends,gross_pnl,pnl,return_pct,exit_reason",
  ];
  for (let i = 0; i < log.length; i++) {
    lines.push(
      [
        log.tickers[log.asset[i]],
        log.direction[i] > 0 ? "long" : "short",
        new Date(log.entryTime[i]).toISOString(),
        log.entryPrice[i],
        new Date(log.exitTime[i]).toISOString(),
        log.exitPrice[i],
        log.shares[i],
        log.costs[i],
        log.impactCosts[i],
        log.dividends[i],
        log.grossPnl[i],
        log.pnl[i],
        log.returnPct[i],
        EXIT_REASONS[log.exitReason[i]],
      ].join(","),
    );
  }
  return lines.join("\n") + "\n";
}
