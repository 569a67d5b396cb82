/**
 * A sweep end to end in one process (`wsp sweep`, a notebook), and its `select` step on its own
 * (the queued flow's parent job calls `selectAndRecord` once every variant's job has finished).
 * Both record the same runs: one tracked run per variant (exactly what `wsp run` records, tagged
 * `wsp.sweep_id` and `wsp.sweep.variant`), then the sweep's own run.
 */
import { openRecorder } from "../../tracking";
import { runTracked, type TrackedRun, type TrackOptions } from "../trackExperiment";
import type { SweepPlan } from "./expandSweep";
import { type SweepSelection, selectSweep } from "./selectSweep";
import { recordSweepRun, type SweepRecord } from "./sweepRun";

export interface SelectOptions {
  trackingUri?: string;
  outboxDir?: string;
  /** The variants' run ids (a flow's children); default: the experiment's runs tagged with the sweep. */
  runIds?: readonly string[];
}

export interface SweepOutcome {
  selection: SweepSelection;
  record: SweepRecord;
}

/** Ranks the sweep's finished variant runs, checks the ledger, computes PBO and writes the sweep's run. */
export async function selectAndRecord(plan: SweepPlan, opts: SelectOptions = {}): Promise<SweepOutcome> {
  const recorder = await openRecorder({ trackingUri: opts.trackingUri, outboxDir: opts.outboxDir });
  if (!recorder.online) {
    throw new Error(
      `select ${plan.sweepId}: MLflow (${recorder.client.trackingUri}) is unreachable; it reads the variants' runs there`,
    );
  }
  const selection = await selectSweep(recorder.client, plan, opts.runIds);
  return { selection, record: await recordSweepRun(recorder, plan, selection) };
}

/** Runs every variant in turn, then selects. */
export async function runSweep(
  plan: SweepPlan,
  opts: TrackOptions = {},
): Promise<SweepOutcome & { runs: TrackedRun[] }> {
  const runs: TrackedRun[] = [];
  for (const v of plan.variants) runs.push(await runTracked(v.loaded, opts));
  const outcome = await selectAndRecord(plan, {
    trackingUri: opts.trackingUri,
    outboxDir: opts.outboxDir,
    runIds: runs.map((r) => r.runId),
  });
  return { ...outcome, runs };
}

/** A sweep's outcome as plain JSON: what a queued `select` job returns (the sweep's run has the rest). */
export interface SweepJobResult {
  sweepId: string;
  runId: string;
  runUrl: string | null;
  metric: string;
  winner: { label: string; runId: string; metric: number | null };
  variants: { rank: number; label: string; runId: string; metric: number | null }[];
  trials: { sweep: number; ledger: number };
  winnerDeflatedSharpe: number | null;
  pbo: number | null;
}

export function sweepJobResult({ selection: s, record }: SweepOutcome): SweepJobResult {
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    sweepId: s.sweepId,
    runId: record.runId,
    runUrl: record.runUrl,
    metric: s.metric.key,
    winner: { label: s.winner.label, runId: s.winner.runId, metric: num(s.winner.metric) },
    variants: s.variants.map((v) => ({ rank: v.rank, label: v.label, runId: v.runId, metric: num(v.metric) })),
    trials: s.trials,
    winnerDeflatedSharpe: num(s.winnerDsr.value),
    pbo: s.pbo ? s.pbo.pbo : null,
  };
}
