/**
 * A sweep's `select`: the variants ranked out of sample by the config's promotion metric (its
 * out-of-fold value; never the final holdout), every variant's trials checked present in the
 * experiment's ledger, the winner's deflated Sharpe recomputed with the ledger as it stands after
 * the sweep, and the probability of backtest overfitting across the variants (CSCV on their
 * out-of-sample returns, aligned by bar time). The result goes to the sweep's own MLflow run
 * (sweepRun.ts); the variants' runs are linked to it by the tag `wsp.sweep_id`, not as MLflow
 * children, because each is a full run that `wsp promote` must accept (it refuses child runs).
 */
import { deflatedSharpe, probabilityOfBacktestOverfitting, type PboResult } from "../../backtest";
import type { Direction } from "../../promotion";
import { experimentLedger, ledgerStats, type MlflowClient } from "../../tracking";
import type { SweepPlan } from "./expandSweep";
import { readSweepRuns, selectionMetric, type VariantRun } from "./sweepRuns";

export interface RankedVariant {
  rank: number;
  label: string;
  runId: string;
  assignments: Record<string, unknown>;
  /** The selection metric (out of fold). */
  metric: number;
  /** Per-period Sharpe of the out-of-sample returns, and how many. */
  oosSharpe: number;
  oosBars: number;
}

export interface SweepSelection {
  sweepId: string;
  experiment: string;
  metric: { key: string; direction: Direction };
  /** Best first; NaN metrics last. */
  variants: RankedVariant[];
  winner: RankedVariant;
  trials: {
    /** Trials the sweep's variants account for (models and ensemble per variant), all in the ledger. */
    sweep: number;
    /** The experiment's ledger size after the sweep (what the deflated Sharpe deflates by). */
    ledger: number;
  };
  /** The winner's deflated Sharpe on `promotion.dsr_basis`: as its run logged it, and with the ledger now. */
  winnerDsr: { basis: string; logged: number; loggedTrials: number; value: number; trials: number };
  /** Null with a single variant. */
  pbo: (PboResult & { rows: number; blocks: number }) | null;
}

export async function selectSweep(
  client: MlflowClient,
  plan: SweepPlan,
  runIds?: readonly string[],
): Promise<SweepSelection> {
  const runs = await readSweepRuns(client, plan, runIds);
  const experiment = plan.template.config.tracking.experiment;
  const exp = await client.getExperimentByName(experiment);
  if (!exp) throw new Error(`${plan.sweepId}: experiment ${experiment} does not exist`);
  const ledger = experimentLedger(exp);
  const absent = runs.flatMap((r) => r.trialKeys.filter((k) => !ledger.has(k)).map((k) => `${r.variant.label} ${k}`));
  if (absent.length > 0) {
    throw new Error(`${plan.sweepId}: trials missing from the ledger of ${experiment}: ${absent.join(", ")}`);
  }
  const metric = selectionMetric(plan);
  const variants = rank(runs, metric.direction);
  const winner = variants[0];
  const winnerRun = runs.find((r) => r.runId === winner.runId) as VariantRun;
  return {
    sweepId: plan.sweepId,
    experiment,
    metric,
    variants,
    winner,
    trials: { sweep: new Set(runs.flatMap((r) => r.trialKeys)).size, ledger: ledger.size },
    winnerDsr: winnerDsrNow(winnerRun, plan, ledger),
    pbo: runs.length >= 2 ? pboOf(runs, plan.sweep.pbo_blocks) : null,
  };
}

function rank(runs: VariantRun[], direction: Direction): RankedVariant[] {
  const better = (a: number, b: number) => (direction === "min" ? a - b : b - a);
  const sorted = [...runs].sort((a, b) => {
    if (Number.isNaN(a.metric) !== Number.isNaN(b.metric)) return Number.isNaN(a.metric) ? 1 : -1;
    return better(a.metric, b.metric) || a.variant.index - b.variant.index;
  });
  return sorted.map((r, i) => ({
    rank: i + 1,
    label: r.variant.label,
    runId: r.runId,
    assignments: r.variant.assignments,
    metric: r.metric,
    oosSharpe: perPeriodSharpe(r.returns.returns),
    oosBars: r.returns.returns.length,
  }));
}

function perPeriodSharpe(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  const mu = s / x.length;
  let q = 0;
  for (const v of x) q += (v - mu) ** 2;
  const sd = Math.sqrt(q / (x.length - 1));
  return sd > 0 ? mu / sd : Number.NaN;
}

/** The winner's deflated Sharpe from its logged inputs, with the ledger's count and Sharpe variance after the sweep. */
function winnerDsrNow(run: VariantRun, plan: SweepPlan, ledger: ReturnType<typeof experimentLedger>) {
  const basis = plan.template.config.promotion.dsr_basis;
  const m = (k: string) => run.metrics.get(k) ?? Number.NaN;
  const inputs = {
    sr: m(`sharpe_inputs.${basis}.sr`),
    nObs: m(`sharpe_inputs.${basis}.n_obs`),
    skew: m(`sharpe_inputs.${basis}.skew`),
    kurtosis: m(`sharpe_inputs.${basis}.kurtosis`),
  };
  const stats = ledgerStats(ledger, inputs.nObs);
  const sharpeVariance = basis === "active" ? stats.activeSharpeVariance : stats.sharpeVariance;
  const { dsr } = deflatedSharpe({ ...inputs, nTrials: stats.count, sharpeVariance });
  return { basis, logged: m("deflated_sharpe"), loggedTrials: m("trials"), value: dsr, trials: stats.count };
}

/** CSCV across the variants on the bars every variant traded out of sample. */
function pboOf(runs: VariantRun[], maxBlocks: number): PboResult & { rows: number; blocks: number } {
  let shared = new Set(runs[0].returns.ts);
  for (const r of runs.slice(1)) shared = new Set(Array.from(r.returns.ts).filter((t) => shared.has(t)));
  const times = [...shared].sort((a, b) => a - b);
  const rows = times.length;
  const matrix = new Float64Array(rows * runs.length);
  runs.forEach((r, c) => {
    const at = new Map(Array.from(r.returns.ts, (t, i) => [t, r.returns.returns[i]]));
    times.forEach((t, i) => {
      matrix[c * rows + i] = at.get(t) as number;
    });
  });
  // Fewer blocks when the series is short: each block needs at least two bars.
  let blocks = maxBlocks;
  while (blocks > 2 && Math.floor(rows / blocks) < 2) blocks -= 2;
  return { ...probabilityOfBacktestOverfitting(matrix, rows, runs.length, blocks), rows, blocks };
}
