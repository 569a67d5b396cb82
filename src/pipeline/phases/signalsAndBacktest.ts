/**
 * Phase `backtest`: every variant (each model, the ensemble) traded with costs on its
 * out-of-sample signals, and the `backtest.grid:` study on the selected one (backtestGrid.ts);
 * this run's trials, grid points included, written to the experiment's ledger (through the
 * `recordTrials` hook) and the ledger fed into the selected variant's deflated Sharpe.
 */
import { backtestReport, simulate, simulationSegments } from "../../backtest";
import { type LedgerStats, ledgerStats, type TrialLedger, trialEntry, trialKey } from "../../tracking";
import { trialConfigHash } from "../config";
import { type BacktestResult, dsrOnBasis } from "../experimentResult";
import { backtestGrid, gridLine, gridTrials } from "./backtestGrid";
import type { BlendPhase } from "./blend";
import type { CalibrationPhase } from "./calibrateModels";
import type { PhaseContext } from "./context";
import type { DataPhase } from "./loadData";
import type { SplitsPhase } from "./planSplits";
import type { RowsPhase } from "./assembleRows";
import { tickerBacktests } from "../tickerBacktests";
import type { TradedMarket } from "./tradedMarket";

export interface BacktestPhase {
  market: TradedMarket;
  backtest: BacktestResult;
  /** The ledger's statistics the deflated Sharpes were computed with. */
  trials: LedgerStats;
  /** Returns per backtest (bars − 1), the Sharpe's sample size. */
  nObs: number;
  notes: string[];
}

export async function signalsAndBacktest(
  ctx: PhaseContext,
  data: DataPhase,
  rows: RowsPhase,
  splits: SplitsPhase,
  calibration: CalibrationPhase,
  blended: BlendPhase,
  market: TradedMarket,
): Promise<BacktestPhase> {
  const { config, hooks, timer } = ctx;
  const { ensemble, selected } = blended;
  const notes: string[] = [];
  const variants: { name: string; oof: Float64Array; holdout: Float64Array }[] = [
    ...calibration.models.map((m) => ({ name: m.name, oof: m.oofProbs, holdout: m.holdoutProbs })),
    ...(ensemble ? [{ name: "ensemble", oof: ensemble.oofProbs, holdout: ensemble.holdoutProbs }] : []),
  ];
  const btBars = market.bars[0];
  const { benchmark, engine } = market;
  if (!benchmark)
    notes.push(
      `backtest.benchmark ${config.backtest.benchmark}: no bars on the traded timestamps; no buy-and-hold comparison`,
    );
  const nObs = btBars.ts.length - 1;
  const sims = await timer.run("backtest", variants.length, (h) =>
    variants.map((v) => {
      const sim = simulate(market.assetsOf(v.oof, v.holdout), engine);
      const report = backtestReport(sim, { benchmark: benchmark ?? undefined });
      h.tick();
      return { name: v.name, sim, report };
    }),
  );
  const holdoutStart = lowerBoundOf(btBars.ts, splits.plan.holdoutFrom);
  const gridOn = variants.find((v) => v.name === selected);
  const grid = gridOn ? await backtestGrid(ctx, market, gridOn, holdoutStart) : null;
  if (grid) notes.push(gridLine(grid), ...grid.notes);
  // This run's trials (the control is not one): identical configs on identical data give the
  // same keys, so a rerun adds nothing to the ledger. A null run (permuted target) and a
  // detector check (injected leak) test the pipeline, not a strategy: like the control, they
  // write no trials.
  const trialConfig = trialConfigHash(config);
  const ownTrials: TrialLedger = new Map(
    sims.map((s) => [
      trialKey(trialConfig, data.dataHash, s.name),
      {
        variant: s.name,
        sharpe: s.report.returns.sharpePerPeriod,
        activeSharpe: s.report.active?.sharpePerPeriod ?? Number.NaN,
        nObs,
      },
    ]),
  );
  // Every grid point tried is a trial too: the deflated Sharpe's N counts them.
  for (const t of grid ? gridTrials(grid, nObs) : []) ownTrials.set(trialKey(trialConfig, data.dataHash, t.variant), t);
  const isCheck = config.controls.shuffle_target || config.controls.inject_leak;
  const ledger =
    hooks.recordTrials && !isCheck
      ? await hooks.recordTrials([...ownTrials].map(([key, t]) => trialEntry(key, t)))
      : ownTrials;
  const trials = ledgerStats(ledger, nObs);
  const { trend } = rows;
  const backtest = await timer.run("backtest", 1, () => {
    const chosen = sims.find((s) => s.name === selected);
    if (!chosen) throw new Error(`backtest: no variant named ${selected}`);
    const report = backtestReport(chosen.sim, {
      benchmark: benchmark ?? undefined,
      stress: config.backtest.stress,
      regimes: { ids: Int32Array.from(market.index[0], (i) => trend[0].ids[i]), names: trend[0].names },
      trials,
    });
    return {
      variant: selected,
      run: { simulation: chosen.sim, report },
      benchmark,
      bars: btBars,
      assets: market.bars,
      byTicker: tickerBacktests(tradedVariant(variants, selected, market), engine, chosen.sim, report),
      holdoutStart,
      variantSharpes: Object.fromEntries(sims.map((s) => [s.name, s.report.returns.sharpe])),
      trials: trials.count,
      deflatedSharpe: dsrOnBasis(report, config.promotion.dsr_basis),
      ledger: trials,
      segments: simulationSegments(chosen.sim, holdoutStart),
      grid,
    };
  });
  return { market, backtest, trials, nObs, notes };
}

/** The selected variant's traded assets. */
function tradedVariant(
  variants: readonly { name: string; oof: Float64Array; holdout: Float64Array }[],
  selected: string,
  market: TradedMarket,
) {
  const v = variants.find((x) => x.name === selected);
  if (!v) throw new Error(`backtest: no variant named ${selected}`);
  return market.assetsOf(v.oof, v.holdout);
}

function lowerBoundOf(ts: Float64Array, x: number): number {
  let i = 0;
  while (i < ts.length && ts[i] < x) i++;
  return i;
}
