/**
 * The sweep's own MLflow run, written by `select`: tags `wsp.role=sweep`, `wsp.sweep_id`, the
 * winner's label and run id; metrics (PBO, trial counts, the winner's metric and deflated
 * Sharpe); artifacts `sweep/variants.csv` and `sweep/variants.json` (the variant table),
 * `sweep/pbo.json` (the logits), `sweep/config.yaml` (the template) and `sweep/report.html`
 * (the table, the OOS metric per variant and the PBO logit histogram). One per sweep: a FINISHED
 * sweep run with the same id is returned as is, so a retried select writes nothing twice.
 */
import { formatValue } from "../../promotion";
import { type MlflowClient, type Recorder, tagRecord } from "../../tracking";
import { barFigure, escapeHtml, figureHtml, histogramFigure } from "../../viz";
import { noteOf } from "../recordSteps";
import { runNameOf, runUrlOf } from "../trackExperiment";
import { SWEEP_TAGS, type SweepPlan } from "./expandSweep";
import type { SweepSelection } from "./selectSweep";

export interface SweepRecord {
  runId: string;
  runUrl: string | null;
  /** False when a finished sweep run already held this selection. */
  written: boolean;
}

/** The variant table: one row per variant, best first. */
export function variantTable(s: SweepSelection): Record<string, string | number>[] {
  return s.variants.map((v) => ({
    rank: v.rank,
    variant: v.label,
    run_id: v.runId,
    ...Object.fromEntries(
      Object.entries(v.assignments).map(([k, x]) => [k, typeof x === "number" ? x : JSON.stringify(x)]),
    ),
    [s.metric.key]: v.metric,
    oos_sharpe_per_period: v.oosSharpe,
    oos_bars: v.oosBars,
  }));
}

function csvOf(rows: Record<string, string | number>[]): string {
  const cols = Object.keys(rows[0]);
  const cell = (x: string | number) =>
    typeof x === "string" && /[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : String(x);
  return `${[cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n")}\n`;
}

/** The sweep's summary lines (the run page's description and report.html's head). */
export function sweepSummary(s: SweepSelection): string {
  const pbo = s.pbo
    ? `${formatValue(s.pbo.pbo)} (${s.pbo.splits} CSCV splits of ${s.pbo.blocks} blocks, ${s.pbo.rows} OOS bars)`
    : "n/a (one variant)";
  return [
    `sweep ${s.sweepId}: ${s.variants.length} variants in experiment ${s.experiment}, ranked by ${s.metric.key} (${s.metric.direction}, out of fold)`,
    `winner: ${s.winner.label} (run ${s.winner.runId}), ${s.metric.key} ${formatValue(s.winner.metric)}`,
    `winner's deflated Sharpe (${s.winnerDsr.basis}): ${formatValue(s.winnerDsr.value)} with the ledger's ${s.winnerDsr.trials} trials (logged ${formatValue(s.winnerDsr.logged)} with ${s.winnerDsr.loggedTrials})`,
    `trials: ${s.trials.sweep} from this sweep, ${s.trials.ledger} in the experiment's ledger`,
    `probability of backtest overfitting: ${pbo}`,
  ].join("\n");
}

function reportPage(s: SweepSelection): string {
  const rows = variantTable(s);
  const cols = Object.keys(rows[0]);
  const fmt = (x: string | number) => (typeof x === "number" ? formatValue(x) : x);
  const table = `<table><thead><tr>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${cols.map((c) => `<td>${escapeHtml(String(fmt(r[c])))}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
  const metric = barFigure(
    s.variants.map((v) => v.label),
    [{ name: s.metric.key, values: s.variants.map((v) => v.metric) }],
    { title: `${s.metric.key} per variant (out of fold)`, valueTitle: s.metric.key, horizontal: true },
  );
  const figures = [figureHtml(metric, { includePlotly: true, id: "sweep-metric" })];
  if (s.pbo) {
    const hist = histogramFigure(s.pbo.logits, {
      title: `PBO ${formatValue(s.pbo.pbo)}: logit of the in-sample best's out-of-sample rank`,
      xTitle: "logit",
      marker: 0,
    });
    figures.push(figureHtml(hist, { id: "sweep-pbo" }));
  }
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(s.sweepId)}</title>
<style>body{font-family:system-ui,sans-serif;margin:16px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style>
</head><body><h1>${escapeHtml(s.sweepId)}</h1><pre>${escapeHtml(sweepSummary(s))}</pre>
${table}
${figures.join("\n")}
</body></html>
`;
}

/** Writes the sweep's run (or finds the finished one) in the sweep's experiment. */
export async function recordSweepRun(recorder: Recorder, plan: SweepPlan, s: SweepSelection): Promise<SweepRecord> {
  const existing = await finishedSweepRun(recorder.client, plan);
  if (existing) return { runId: existing.runId, runUrl: existing.url, written: false };
  const summary = sweepSummary(s);
  const run = await recorder.startRun({
    experiment: s.experiment,
    runName: runNameOf(`${plan.template.config.name}.sweep`),
    tags: {
      [SWEEP_TAGS.role]: "sweep",
      [SWEEP_TAGS.id]: s.sweepId,
      "wsp.sweep.winner": s.winner.label,
      "wsp.sweep.winner_run_id": s.winner.runId,
      "wsp.sweep.metric": s.metric.key,
      config_hash: plan.template.hash,
      "mlflow.note.content": noteOf(`sweep ${s.sweepId}`, summary),
    },
  });
  try {
    await run.logParams({ mode: plan.sweep.mode, variants: s.variants.length, seed: plan.sweep.seed });
    await run.logMetrics({
      pbo: s.pbo?.pbo ?? Number.NaN,
      variants: s.variants.length,
      trials: s.trials.ledger,
      sweep_trials: s.trials.sweep,
      [`winner.${s.metric.key}`]: s.winner.metric,
      "winner.deflated_sharpe": s.winnerDsr.value,
    });
    const rows = variantTable(s);
    await run.logArtifact("sweep/config.yaml", plan.template.text);
    await run.logArtifact("sweep/variants.csv", csvOf(rows));
    await run.logJsonArtifact("sweep/variants.json", rows);
    if (s.pbo) await run.logJsonArtifact("sweep/pbo.json", { ...s.pbo, logits: Array.from(s.pbo.logits) });
    await run.logArtifact("sweep/report.html", reportPage(s));
    await run.logArtifact("sweep/summary.txt", `${summary}\n`);
    await run.end("FINISHED");
  } catch (err) {
    await run.end("FAILED", err).catch(() => undefined);
    throw err;
  }
  const exp = await recorder.client.getExperimentByName(s.experiment);
  const url = exp && !run.offline ? runUrlOf(recorder.client.trackingUri, exp.experiment_id, run.runId) : null;
  return { runId: run.runId, runUrl: url, written: true };
}

async function finishedSweepRun(client: MlflowClient, plan: SweepPlan): Promise<{ runId: string; url: string } | null> {
  const exp = await client.getExperimentByName(plan.template.config.tracking.experiment);
  if (!exp) return null;
  const runs = await client.searchAllRuns({
    experimentIds: [exp.experiment_id],
    filter: `tags.\`${SWEEP_TAGS.id}\` = '${plan.sweepId}' and tags.\`${SWEEP_TAGS.role}\` = 'sweep' and attributes.status = 'FINISHED'`,
  });
  const run = runs[0];
  if (!run || tagRecord(run.data.tags)[SWEEP_TAGS.role] !== "sweep") return null;
  return { runId: run.info.run_id, url: runUrlOf(client.trackingUri, exp.experiment_id, run.info.run_id) };
}
