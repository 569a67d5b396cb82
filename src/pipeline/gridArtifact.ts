/**
 * `backtest/grid.json`: the run's `backtest.grid:` study (phases/backtestGrid.ts) as its record
 * step (recordSteps.ts, with the metrics `grid_pbo` and `grid_points`) writes it. Every point with its out-of-sample
 * figures and its trial's variant name; the PBO with its splits; the best point by
 * out-of-sample Sharpe and its final-holdout figures, which never took part in choosing it.
 */
import type { GridResult } from "./experimentResult";

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function gridJson(g: GridResult) {
  const b = g.points[g.best];
  return {
    variant: g.variant,
    points: g.points.length,
    selection: "out-of-sample Sharpe (bars before the final holdout); the holdout never selects",
    headline: "the configured point: the grid is a study, its best point is not traded, gated or registered",
    pbo: g.pbo
      ? { value: g.pbo.pbo, blocks: g.blocks, splits: g.pbo.splits, rows: g.oosReturns.rows }
      : { value: null, blocks: g.blocks, splits: 0, rows: g.oosReturns.rows },
    best: {
      index: g.best,
      point: b.point.name,
      trial: `${g.variant}@grid:${b.point.name}`,
      oos: { sharpe: num(b.oos.sharpe), total_return: num(b.oos.totalReturn), max_drawdown: num(b.oos.maxDrawdown) },
      holdout: {
        bars: g.bestHoldout.bars,
        sharpe: num(g.bestHoldout.sharpe),
        total_return: num(g.bestHoldout.totalReturn),
        max_drawdown: num(g.bestHoldout.maxDrawdown),
      },
    },
    grid: g.points.map((p) => ({
      point: p.point.name,
      trial: `${g.variant}@grid:${p.point.name}`,
      long_above: p.point.long_above,
      short_above: p.point.short_above,
      sizing: p.point.sizing,
      oos_sharpe: num(p.oos.sharpe),
      oos_total_return: num(p.oos.totalReturn),
      oos_max_drawdown: num(p.oos.maxDrawdown),
      trades: p.trades,
    })),
    notes: g.notes,
  };
}
