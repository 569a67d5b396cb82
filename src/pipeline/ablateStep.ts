/**
 * One step of a component ablation through the runner's own phases (training, calibration,
 * ensemble, traded market, backtest) on a column subset of the rows the full run assembles, with
 * the same splits: every step is fitted and scored on exactly the same rows. A step without
 * calibration and sizing runs with `calibration.method: none` and the `sizing:` defaults (fixed
 * unit positions). The drop-bottom-k step wraps each model in ShapPrunedModel, which ranks and
 * drops inside every fit. What a step keeps is what the ablation measures: the selected
 * variant's out-of-fold probabilities, its pre-holdout returns, and its trial entries.
 */
import { sizingSchema } from "../backtest";
import { calibrationConfigSchema } from "../calibration";
import { type AblationStepPlan, ShapPrunedModel } from "../explain";
import { fromColumns } from "../models";
import type { TrialEntry } from "../tracking";
import type { ExperimentConfig } from "./config";
import { crossValidate } from "./crossValidate";
import { createModel } from "./modelFactory";
import type { RowsPhase } from "./phases/assembleRows";
import { blend } from "./phases/blend";
import { calibrateModels } from "./phases/calibrateModels";
import type { PhaseContext } from "./phases/context";
import { fitModels, type TrainingPhase } from "./phases/fitModels";
import { signalsAndBacktest } from "./phases/signalsAndBacktest";
import { type TradedMarket, tradedMarket } from "./phases/tradedMarket";
import { PhaseTimer } from "./progress";
import type { PhasesThrough } from "./runExperiment";
import type { BacktestResult } from "./experimentResult";

export interface AblationStepRun {
  plan: AblationStepPlan;
  /** The variant the step stands for ("ensemble" or a model's name), chosen on OOF log-loss as in a run. */
  variant: string;
  /** The variant's calibrated (or raw) out-of-fold probabilities, `width` per label row. */
  oofProbs: Float64Array;
  backtest: BacktestResult;
  /** The step's trials as the backtest phase wrote them (keyed as `wsp run` keys them). */
  trials: TrialEntry[];
  seconds: number;
}

/**
 * The config a step runs with: calibration and sizing switched off unless the step adds them, and
 * no `backtest.grid:` (a threshold study of one run, not a component: every step would trade and
 * record its points). The grid is outside the trial config hash, so the full step's trials keep
 * `wsp run`'s keys.
 */
export function stepConfig(config: ExperimentConfig, plan: AblationStepPlan): ExperimentConfig {
  const { grid: _grid, ...backtest } = config.backtest;
  const noGrid = { ...config, backtest };
  if (plan.calibrateAndSize) return noGrid;
  return { ...noGrid, calibration: calibrationConfigSchema.parse({ method: "none" }), sizing: sizingSchema.parse({}) };
}

/** The rows phase with only the plan's columns (same rows, same target). */
function rowsOf(rows: RowsPhase, plan: AblationStepPlan): RowsPhase {
  const columns = plan.columns.map((n) => {
    const j = rows.cols.names.indexOf(n);
    if (j < 0) throw new Error(`ablation: no column ${n.slice(0, 120)} among the run's features`);
    return rows.cols.columns[j];
  });
  return {
    ...rows,
    cols: { names: [...plan.columns], columns, dropped: rows.cols.dropped },
    X: fromColumns(plan.columns, columns),
  };
}

async function training(ctx: PhaseContext, base: PhasesThrough<"splits">, rows: RowsPhase, plan: AblationStepPlan) {
  if (plan.dropBottomK === 0) return fitModels(ctx, base.labels, rows, base.splits);
  const { plan: splitPlan } = base.splits;
  const out: TrainingPhase = { fits: [] };
  for (const [i, entry] of ctx.config.models.entries()) {
    if (entry.kind === "lstm") throw new Error(`models[${i}].kind: drop_bottom_k cannot prune an lstm's windows`);
    out.fits.push(
      await crossValidate(
        () => new ShapPrunedModel(() => createModel(entry, i), plan.dropBottomK),
        rows.X,
        rows.yTarget,
        splitPlan,
        base.labels.width,
      ),
    );
  }
  return out;
}

/**
 * Runs one step; `markets` caches the traded market per treatment (it depends on the sizing
 * block only), so steps of the same treatment share it.
 */
export async function runAblationStep(
  base: PhasesThrough<"splits">,
  plan: AblationStepPlan,
  markets: Map<boolean, TradedMarket>,
  hooks: Pick<PhaseContext["hooks"], "dataDir" | "fromStore">,
): Promise<AblationStepRun> {
  const started = performance.now();
  const trials: TrialEntry[] = [];
  const ctx: PhaseContext = {
    config: stepConfig(base.config, plan),
    hooks: {
      ...hooks,
      progress: false,
      // Collected, not written: the ablation writes every step's trials under its own names.
      recordTrials: async (entries) => {
        trials.push(...entries);
        return new Map();
      },
    },
    timer: new PhaseTimer(false),
  };
  const { data, labels, splits } = base;
  const rows = rowsOf(base.rows, plan);
  const fitted = await training(ctx, base, rows, plan);
  const calibration = await calibrateModels(ctx, labels, rows, splits, fitted);
  const blended = await blend(ctx, labels, rows, splits, calibration);
  let market = markets.get(plan.calibrateAndSize);
  if (!market) {
    market = await tradedMarket(ctx, data, labels, rows, splits);
    markets.set(plan.calibrateAndSize, market);
  }
  const bt = await signalsAndBacktest(ctx, data, rows, splits, calibration, blended, market);
  const oofProbs =
    blended.selected === "ensemble" && blended.ensemble
      ? blended.ensemble.oofProbs
      : (calibration.models.find((m) => m.name === blended.selected)?.oofProbs ?? blended.bestSingle.oofProbs);
  return {
    plan,
    variant: blended.selected,
    oofProbs,
    backtest: bt.backtest,
    trials,
    seconds: (performance.now() - started) / 1000,
  };
}
