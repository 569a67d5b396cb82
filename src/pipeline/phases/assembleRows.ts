/**
 * Phase `rows`: the rows models learn from. The tickers' features and labels stacked into one
 * panel, the usable columns (judged on rows before the final holdout only), the regime per row,
 * and the target: NaN where a feature is missing, permuted for a null run.
 */
import { lowerBound } from "../../data";
import { trendRegime } from "../../features";
import { type FeatureMatrix, fromColumns } from "../../models";
import { CANARY_NAME, finalHoldoutFrom, shuffleLabels } from "../../validation";
import { ExperimentError } from "../experimentResult";
import { type Panel, stackPanel } from "../panel";
import { type UsableColumns, usableColumns } from "../usableColumns";
import type { FeaturesPhase } from "./buildFeatures";
import type { LabelsPhase } from "./labelsPhase";
import type { PhaseContext } from "./context";
import type { DataPhase } from "./loadData";

export interface RowsPhase {
  /** (bar, ticker) pairs in time order (one ticker: one row per bar). */
  panel: Panel;
  /** The columns models see (the leak canary last when `controls.inject_leak`). */
  cols: UsableColumns;
  X: FeatureMatrix;
  /** Label codes the models fit (NaN where absent or a feature is missing; permuted for a null run). */
  yTarget: Float64Array;
  /** Trend / range / volatile per ticker's bar (causal). */
  trend: ReturnType<typeof trendRegime>[];
  /** The trend regime id per panel row, NaN where undefined. */
  regimeIds: Float64Array;
  notes: string[];
}

export function assembleRows(
  { config }: PhaseContext,
  data: DataPhase,
  features: FeaturesPhase,
  labels: LabelsPhase,
): RowsPhase {
  const notes: string[] = [];
  const { tickerBars } = data;
  const panel = stackPanel(
    tickerBars.map((bars, k) => ({ bars, frame: features.results[k].frame, labels: labels.sets[k] })),
  );
  if (panel.notShared.length > 0) {
    notes.push(
      `${panel.notShared.length} feature columns left out (not every ticker has them): ${panel.notShared.join(", ")}`,
    );
  }
  // Trend / range / volatile per bar (causal): per-regime calibration, the backtest's regime
  // breakdown and its wider stops in volatile bars.
  const trend = tickerBars.map((b) => trendRegime(b, config.regimes.trend));
  const regimeIds = Float64Array.from(panel.rowTicker, (k, r) => {
    const id = trend[k].ids[panel.rowBar[r]];
    return id < 0 ? Number.NaN : id;
  });
  // The final holdout's start is known before any split: which columns are usable is decided
  // on the rows before it only.
  const holdoutFrom = finalHoldoutFrom(panel.ts[panel.ts.length - 1], config.validation.final_holdout);
  const preHoldout = Number.isNaN(holdoutFrom) ? panel.ts.length : lowerBound(panel.ts, holdoutFrom);
  const cols = usableColumns(panel.names, panel.columns, preHoldout);
  if (config.controls.inject_leak) {
    // The worst possible leak, on purpose: the label's own realised return as a feature.
    cols.names.push(CANARY_NAME);
    cols.columns.push(panel.ret);
  }
  if (cols.names.length === 0)
    throw new ExperimentError("features", "no feature column is usable (all mostly missing)");
  const y = Float64Array.from(panel.y);
  let missingRows = 0;
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i])) continue;
    if (cols.columns.some((c) => !Number.isFinite(c[i]))) {
      y[i] = Number.NaN;
      missingRows++;
    }
  }
  if (missingRows > 0) notes.push(`${missingRows} labelled rows left out: a feature is missing there (warm-up)`);
  if (cols.dropped.length > 0) {
    notes.push(
      `${cols.dropped.length} feature columns dropped (missing on > 10 % of the rows before the final holdout): ${cols.dropped.map((d) => d.name).join(", ")}`,
    );
  }
  const yTarget = config.controls.shuffle_target ? shuffleLabels(y, config.controls.seed) : y;
  if (config.controls.shuffle_target) notes.push("controls.shuffle_target: the main target is permuted (a null run)");
  return { panel, cols, X: fromColumns(cols.names, cols.columns), yTarget, trend, regimeIds, notes };
}
