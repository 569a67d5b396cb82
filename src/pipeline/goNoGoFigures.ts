/**
 * The figures the go/no-go gates read (src/promotion/goNoGo.ts), from a run's result at the end
 * of `wsp run`, and as the parent run's metrics `wsp promote` reads them back:
 * `oos_ece`, `<on>_accuracy`, `<on>_sharpe`, `<on>_max_drawdown`, `<on>_win_rate` (on =
 * `promotion.go_no_go_on`: holdout or oos), `stress_max_drawdown` and `grid_pbo`.
 */
import type { GoNoGoFigures } from "../promotion";
import type { Scores } from "./classificationMetrics";
import type { ExperimentConfig } from "./config";
import { type BacktestResult, ExperimentError, type ExperimentResult } from "./experimentResult";

/** The worst max drawdown (<= 0) over the report's stress windows; NaN without any. */
function stressMaxDrawdown(bt: BacktestResult): number {
  const dds = bt.run.report.stress.map((s) => s.maxDrawdown).filter((d) => !Number.isNaN(d));
  return dds.length ? Math.min(...dds) : Number.NaN;
}

/** The selected variant's figures, on `promotion.go_no_go_on`'s stretch. */
export function goNoGoFigures(
  config: ExperimentConfig,
  scores: { oos: Scores; holdout: Scores },
  bt: BacktestResult,
): GoNoGoFigures {
  const on = config.promotion.go_no_go_on ?? "holdout";
  const seg = bt.segments[on];
  return {
    oofEce: scores.oos.ece,
    accuracy: scores[on].accuracy,
    sharpe: seg.sharpe,
    maxDrawdown: seg.maxDrawdown,
    winRate: seg.winRate,
    stressMaxDrawdown: stressMaxDrawdown(bt),
    pbo: bt.grid?.pbo?.pbo ?? Number.NaN,
  };
}

/** The parent's metrics of both stretches (accuracy and ECE are among the scores already). */
export function goNoGoMetrics(r: ExperimentResult): Record<string, number> {
  const { oos, holdout } = r.backtest.segments;
  return {
    oos_sharpe: oos.sharpe,
    oos_max_drawdown: oos.maxDrawdown,
    oos_win_rate: oos.winRate,
    holdout_sharpe: holdout.sharpe,
    holdout_max_drawdown: holdout.maxDrawdown,
    holdout_win_rate: holdout.winRate,
    stress_max_drawdown: stressMaxDrawdown(r.backtest),
  };
}

/** Before any phase runs: a gate on a figure the config cannot produce is a config error. */
export function checkGoNoGo(config: ExperimentConfig): void {
  const p = config.promotion;
  if (p.max_pbo !== undefined && !config.backtest.grid) {
    throw new ExperimentError("promotion.max_pbo", "gates the PBO of a threshold grid: add a backtest.grid block");
  }
  if (p.max_stress_drawdown !== undefined && config.backtest.stress.length === 0) {
    throw new ExperimentError(
      "promotion.max_stress_drawdown",
      "gates the drawdown in the stress windows: name them in backtest.stress (e.g. [covid_2020])",
    );
  }
}
