/**
 * The `backtest.grid:` study of the backtest phase: the selected variant's out-of-sample
 * probabilities traded at every grid point by the vectorised sweep (src/backtest/thresholdGrid.ts),
 * each point a trial of the experiment's ledger (`<variant>@grid:<point>`), so the deflated
 * Sharpe's N counts every threshold and sizing tried. A study, not a selection: the run's
 * headline backtest, its gates and what `wsp promote` registers stay the configured point
 * (docs/architecture.md, "Threshold grids").
 */
import { thresholdGrid } from "../../backtest";
import type { ExperimentConfig } from "../config";
import { ExperimentError, type GridResult } from "../experimentResult";
import type { PhaseContext } from "./context";
import type { TradedMarket } from "./tradedMarket";

/** The grid on `variant`'s probabilities; null when the config has no `backtest.grid:`. */
export async function backtestGrid(
  { config, timer }: PhaseContext,
  market: TradedMarket,
  variant: { name: string; oof: Float64Array; holdout: Float64Array },
  holdoutStart: number,
): Promise<GridResult | null> {
  const grid = config.backtest.grid;
  if (!grid) return null;
  const [asset] = market.probabilitiesOf(variant.oof, variant.holdout);
  return timer.run("backtest", 1, () => {
    try {
      const study = thresholdGrid({
        ...asset,
        pDown: asset.pDown ?? Float64Array.from(asset.pUp, (p) => 1 - p),
        engine: market.engine,
        grid,
        holdoutStart,
        benchmark: market.benchmark,
      });
      return { variant: variant.name, ...study };
    } catch (err) {
      const message = (err as Error).message;
      throw message.startsWith("backtest.grid") ? new Error(message) : new ExperimentError("backtest.grid", message);
    }
  });
}

/**
 * Before any phase runs: the sweep trades one series, so a grid on a portfolio (its points would
 * need the event engine each) is refused rather than found out after training.
 */
export function checkBacktestGrid(config: ExperimentConfig): void {
  const tickers = config.data.tickers.length;
  if (config.backtest.grid && tickers !== 1) {
    throw new ExperimentError(
      "backtest.grid",
      `the vectorised sweep trades one series, this run trades ${tickers} tickers (data.tickers); drop the grid or trade one ticker`,
    );
  }
}

/** Each grid point as a trial of the ledger, named `<variant>@grid:<point>`. */
export function gridTrials(g: GridResult, nObs: number) {
  return g.points.map((p) => ({
    variant: `${g.variant}@grid:${p.point.name}`,
    sharpe: p.sharpePerPeriod,
    activeSharpe: p.activeSharpePerPeriod,
    nObs,
  }));
}

/** The study in one line of the run's notes. */
export function gridLine(g: GridResult): string {
  const b = g.points[g.best];
  const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
  const pbo = g.pbo ? `PBO ${f(g.pbo.pbo)} (CSCV, ${g.blocks} blocks, ${g.pbo.splits} splits)` : "no PBO";
  return `backtest.grid: ${g.points.length} points on ${g.variant}, ${pbo}; best by out-of-sample Sharpe: ${b.point.name} (OOS Sharpe ${f(b.oos.sharpe)}; holdout Sharpe ${f(g.bestHoldout.sharpe)}, return ${f(g.bestHoldout.totalReturn * 100, 1)} %). A study: the backtest above is the configured point`;
}
