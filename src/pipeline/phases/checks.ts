/**
 * Phases `leakage`, `control` and `gates`: the run's checks. The leakage screen (every feature's
 * univariate AUC across folds) and too-good direction accuracies; the shuffled-label control (the
 * control model refitted on permuted labels, traded the same way); the run's own promotion checks.
 */
import { backtestReport, simulate } from "../../backtest";
import { type GateVerdict, evaluateGates } from "../../promotion";
import { univariateAucScreen } from "../../validation";
import { calibrateOutOfFold } from "../calibrate";
import { scoreProbabilities } from "../classificationMetrics";
import { modelEntryName } from "../config";
import { goNoGoFigures } from "../goNoGoFigures";
import { crossValidate } from "../crossValidate";
import { type ControlResult, dsrOnBasis, type LeakageResult, type ModelResult } from "../experimentResult";
import { createModel } from "../modelFactory";
import { classCounts } from "../runNotes";
import { trainingWeigher } from "../trainingWeigher";
import type { BlendPhase } from "./blend";
import type { LabelsPhase } from "./buildLabels";
import type { CalibrationPhase } from "./calibrateModels";
import type { PhaseContext } from "./context";
import type { DataPhase } from "./loadData";
import type { SplitsPhase } from "./planSplits";
import type { RowsPhase } from "./assembleRows";
import type { BacktestPhase } from "./signalsAndBacktest";

export async function leakageChecks(
  { config, timer }: PhaseContext,
  data: DataPhase,
  labels: LabelsPhase,
  rows: RowsPhase,
  splits: SplitsPhase,
  calibration: CalibrationPhase,
  blended: BlendPhase,
): Promise<LeakageResult> {
  const { width } = labels;
  const { cols } = rows;
  const { ensemble } = blended;
  return timer.run("leakage", 1, () => {
    const screen = univariateAucScreen(
      cols.names.map((name, j) => ({ name, values: cols.columns[j] })),
      rows.yTarget,
      splits.plan,
      { threshold: config.leakage.auc_threshold, positiveClass: width === 1 ? 1 : width - 1 },
    );
    const flags = [...screen.messages];
    const variants = [...calibration.models, ...(ensemble ? [{ name: "ensemble", ...ensemble }] : [])];
    for (const m of variants) {
      if (m.oos.accuracy > config.leakage.max_direction_accuracy) {
        flags.push(
          `suspected leakage: ${m.name} direction accuracy ${m.oos.accuracy.toFixed(3)} > ${config.leakage.max_direction_accuracy} out of sample on ${data.tickers.join(", ")}`,
        );
      }
      // With the accuracy go/no-go gate on the holdout, the leakage bound guards that stretch too.
      const onHoldout = config.promotion.min_accuracy !== undefined && config.promotion.go_no_go_on !== "oos";
      if (onHoldout && m.holdout.accuracy > config.leakage.max_direction_accuracy) {
        flags.push(
          `suspected leakage: ${m.name} direction accuracy ${m.holdout.accuracy.toFixed(3)} > ${config.leakage.max_direction_accuracy} on the final holdout on ${data.tickers.join(", ")}`,
        );
      }
    }
    return { screen, flags };
  });
}

/** The shuffled-label control; null when `controls.shuffled_labels` is off. */
export async function shuffledLabelControl(
  { config, timer }: PhaseContext,
  labels: LabelsPhase,
  rows: RowsPhase,
  splits: SplitsPhase,
  blended: BlendPhase,
  backtested: BacktestPhase,
): Promise<ControlResult | null> {
  if (!config.controls.shuffled_labels) return null;
  const { plan } = splits;
  const { width } = labels;
  const { yTarget } = rows;
  const { market, trials, nObs } = backtested;
  const controlModel = config.controls.model ?? blended.bestSingle.name;
  const idx = config.models.findIndex((e) => modelEntryName(e) === controlModel);
  return timer.run("control", plan.splits.length + 1, async (h) => {
    const entry = config.models[idx];
    const r = await crossValidate(() => createModel(entry, idx), rows.X, yTarget, plan, width, {
      permuteSeed: config.controls.seed,
      onFold: () => h.tick(),
      weigh: trainingWeigher(config, rows.panel, labels.sets, labels.classes.length),
    });
    const c = calibrateOutOfFold(config.calibration, plan, yTarget, r.oof, r.holdout, width, rows.regimeIds);
    const sim = simulate(market.assetsOf(c.oof, c.holdout), market.engine);
    const report = backtestReport(sim, {
      benchmark: market.benchmark ?? undefined,
      trials: { count: trials.count, sharpeVariance: 1 / nObs },
    });
    return {
      model: controlModel,
      oos: scoreProbabilities(yTarget, c.oof, width, plan.rows),
      holdout: scoreProbabilities(yTarget, c.holdout, width, plan.holdout),
      sharpe: report.returns.sharpe,
      deflatedSharpe: dsrOnBasis(report, config.promotion.dsr_basis),
      deflatedSharpeAbsolute: report.deflatedSharpe,
      activeSharpe: report.active?.sharpe ?? Number.NaN,
      deflatedSharpeActive: report.active?.deflatedSharpe ?? Number.NaN,
    };
  });
}

/** The run's own promotion checks on the selected variant (promotion/runChecks.ts decides). */
export function runGates(
  { config }: PhaseContext,
  labels: LabelsPhase,
  rows: RowsPhase,
  splits: SplitsPhase,
  calibration: CalibrationPhase,
  blended: BlendPhase,
  backtested: BacktestPhase,
  leakage: LeakageResult,
  control: ControlResult | null,
): GateVerdict {
  const { selected, ensemble } = blended;
  const { width } = labels;
  const { plan } = splits;
  const headline =
    selected === "ensemble" && ensemble
      ? ensemble
      : (calibration.models.find((m) => m.name === selected) as ModelResult);
  // The AUC's null spread counts the rows the OOS AUC was computed on: those with an OOF
  // prediction, not the first training window, which has none.
  const scored = classCounts(rows.yTarget, headline.oofProbs, width, plan.rows, width === 1 ? 1 : width - 1);
  return evaluateGates(config.promotion, {
    oos: headline.oos,
    holdout: headline.holdout,
    nPositive: scored.positives,
    nRows: scored.rows,
    deflatedSharpe: backtested.backtest.deflatedSharpe,
    control,
    leakageFlags: leakage.flags,
    goNoGo: {
      figures: goNoGoFigures(config, headline, backtested.backtest),
      maxDirectionAccuracy: config.leakage.max_direction_accuracy,
    },
  });
}
