/**
 * `wsp ablate` with tracking: a parent MLflow run "ablation-<short hash>" in the config's
 * experiment (params: the steps and bootstrap settings; the table and the result as artifacts),
 * one child run per step in step order (metrics: auc, deflated_sharpe, sharpe, and against the
 * step before: delta_auc, delta_deflated_sharpe and their interval bounds), and every step's
 * variants written to the experiment's trial ledger. The parent is FAILED (with the error) when
 * the ablation throws.
 */
import { openRecorder, type RunRecorder } from "../tracking";
import { type AblationOptions, type AblationResult, type AblationStepResult, runAblation } from "./ablate";
import { ablationTable } from "./ablationTable";
import type { LoadedConfig } from "./config";
import { runNameOf, runUrlOf } from "./trackExperiment";

export interface TrackedAblation {
  result: AblationResult;
  runId: string;
  runUrl: string | null;
  offline: boolean;
}

function stepMetrics(s: AblationStepResult): Record<string, number> {
  const m: Record<string, number> = {
    auc: s.auc,
    deflated_sharpe: s.deflatedSharpe,
    sharpe: s.sharpe,
    features: s.features,
  };
  if (s.delta) {
    Object.assign(m, {
      delta_auc: s.delta.auc,
      delta_auc_lo: s.delta.aucInterval.lo,
      delta_auc_hi: s.delta.aucInterval.hi,
      delta_deflated_sharpe: s.delta.deflatedSharpe,
      delta_deflated_sharpe_lo: s.delta.deflatedSharpeInterval.lo,
      delta_deflated_sharpe_hi: s.delta.deflatedSharpeInterval.hi,
    });
  }
  // MLflow takes finite numbers only; an undefined Sharpe (no trade) is left out.
  return Object.fromEntries(Object.entries(m).filter(([, v]) => Number.isFinite(v)));
}

async function logSteps(
  r: AblationResult,
  start: (name: string, tags: Record<string, string>) => Promise<RunRecorder>,
) {
  for (const [i, s] of r.steps.entries()) {
    const child = await start(s.dropBottomK > 0 ? `drop_bottom_${s.dropBottomK}` : s.step, {
      "wsp.ablation.step": s.step,
      "wsp.ablation.order": String(i),
    });
    await child.logParams({
      step: s.step,
      order: i,
      features: s.features,
      calibrate_and_size: s.calibrateAndSize,
      drop_bottom_k: s.dropBottomK,
      variant: s.variant,
      vs: s.delta?.vs ?? "none",
      same_as: s.sameAs ?? "none",
    });
    await child.logMetrics(stepMetrics(s));
    await child.end("FINISHED");
  }
}

export async function runAblationTracked(
  loaded: LoadedConfig,
  opts: AblationOptions & { trackingUri?: string; outboxDir?: string } = {},
): Promise<TrackedAblation> {
  const config = loaded.config;
  const experiment = config.tracking.experiment;
  const recorder = await openRecorder({ trackingUri: opts.trackingUri, outboxDir: opts.outboxDir });
  const parent = await recorder.startRun({
    experiment,
    runName: runNameOf("ablation"),
    tags: { "wsp.kind": "ablation", "wsp.config_file": loaded.file, config_hash: loaded.hash },
  });
  let result: AblationResult;
  try {
    result = await runAblation(loaded, { ...opts, recordTrials: (entries) => parent.recordTrials(entries) });
  } catch (err) {
    await parent.end("FAILED", err);
    throw err;
  }
  await parent.logParams({
    steps: result.steps.map((s) => s.step).join(","),
    bottom_k: result.steps.find((s) => s.dropBottomK > 0)?.dropBottomK ?? 0,
    resamples: result.resamples,
    seed: result.seed,
    level: result.level,
    mean_block: result.meanBlock,
    dsr_basis: result.basis,
  });
  await parent.logMetrics({
    oof_rows: result.oofRows,
    return_bars: result.returnBars,
    trials: result.trials.count,
    seconds: result.seconds,
  });
  const table = ablationTable(result);
  await parent.setTags({ "mlflow.note.content": table });
  await parent.logArtifact("ablation.txt", table);
  await parent.logJsonArtifact("ablation.json", { ...result, config: undefined });
  await logSteps(result, (name, tags) =>
    recorder.startRun({ experiment, runName: name, parentRunId: parent.runId, tags }),
  );
  await parent.end("FINISHED");
  let runUrl: string | null = null;
  if (!parent.offline && parent.serverRunId) {
    const exp = await recorder.client.getExperimentByName(experiment);
    if (exp) runUrl = runUrlOf(recorder.client.trackingUri, exp.experiment_id, parent.serverRunId);
  }
  return { result, runId: parent.runId, runUrl, offline: parent.offline };
}
