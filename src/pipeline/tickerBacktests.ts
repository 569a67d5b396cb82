/**
 * The traded variant ticker by ticker, for the report's breakdown: each ticker traded alone with
 * the run's signal, sizing and cost blocks (its own Sharpe and return, as a researcher would
 * trade it), and what its trades contributed inside the portfolio (net P&L over the initial
 * capital). With one ticker the portfolio is that ticker: nothing is simulated twice.
 */
import {
  type AssetInput,
  type BacktestReport,
  backtestReport,
  type EngineConfigInput,
  type SimulationResult,
  simulate,
} from "../backtest";

export interface TickerBacktest {
  ticker: string;
  /** Annualised Sharpe of the ticker traded alone. */
  sharpe: number;
  totalReturn: number;
  maxDrawdown: number;
  /** Round trips of the ticker traded alone. */
  trades: number;
  /** Net P&L of the ticker's trades in the portfolio over the portfolio's initial capital. */
  contribution: number;
}

export function tickerBacktests(
  assets: readonly AssetInput[],
  engine: EngineConfigInput,
  portfolio: SimulationResult,
  portfolioReport: BacktestReport,
): TickerBacktest[] {
  const log = portfolio.trades;
  const pnl = new Float64Array(assets.length);
  for (let i = 0; i < log.length; i++) pnl[log.asset[i]] += log.pnl[i];
  return assets.map((asset, k) => {
    const report = assets.length === 1 ? portfolioReport : backtestReport(simulate(asset, engine));
    return {
      ticker: log.tickers[k],
      sharpe: report.returns.sharpe,
      totalReturn: report.returns.totalReturn,
      maxDrawdown: report.returns.maxDrawdown,
      trades: report.trades.trades,
      contribution: pnl[k] / portfolio.initialCapital,
    };
  });
}
