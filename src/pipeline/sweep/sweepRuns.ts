/**
 * What `select` reads of a sweep's variant runs: each variant's one FINISHED run (given by id, or
 * found by the tag `wsp.sweep_id`), its out-of-sample selection metric, its deflated Sharpe's
 * inputs, its out-of-sample returns (backtest/returns.csv) and the trial keys it must have put
 * in the experiment's ledger. A missing, unfinished or foreign run is an error naming the variant.
 */
import { defaultDirection, type Direction } from "../../promotion";
import { type MlflowClient, RUN_TAGS, type Run, tagRecord, trialKey } from "../../tracking";
import { modelEntryName, trialConfigHash } from "../config";
import { parseReturnsCsv, RETURNS_ARTIFACT, type ReturnSeries } from "../returnsArtifact";
import { SWEEP_TAGS, type SweepPlan, type SweepVariant } from "./expandSweep";

export interface VariantRun {
  variant: SweepVariant;
  runId: string;
  /** The OOS selection metric of the variant the run stands for (`<promote_model>.<metric>`, else `<metric>`). */
  metric: number;
  metrics: Map<string, number>;
  /** The ledger keys of the run's trials (each model and the ensemble). */
  trialKeys: string[];
  /** Out-of-sample traded returns: the `oos` rows of backtest/returns.csv. */
  returns: ReturnSeries;
}

/**
 * The metric a sweep ranks by: the config's promotion metric, on out-of-fold predictions. A
 * `holdout_` metric is read as its `oos_` twin: the final holdout is not a selection set.
 */
export function selectionMetric(plan: SweepPlan): { key: string; direction: Direction } {
  const key = plan.template.config.promotion.metric.replace(/^holdout_/, "oos_");
  return { key, direction: defaultDirection(key) };
}

/** Every variant's run: `runIds` when given (a flow's children), else the experiment's runs tagged with the sweep. */
export async function readSweepRuns(
  client: MlflowClient,
  plan: SweepPlan,
  runIds?: readonly string[],
): Promise<VariantRun[]> {
  const experiment = plan.template.config.tracking.experiment;
  const runs = runIds ? await Promise.all([...new Set(runIds)].map((id) => client.getRun(id))) : await taggedRuns();
  const byLabel = new Map<string, Run>();
  for (const run of runs) {
    const tags = tagRecord(run.data.tags);
    const label = tags[SWEEP_TAGS.variant];
    if (tags[SWEEP_TAGS.id] !== plan.sweepId) {
      throw new Error(
        `run ${run.info.run_id} is not a run of ${plan.sweepId} (its ${SWEEP_TAGS.id}: ${tags[SWEEP_TAGS.id] ?? "none"})`,
      );
    }
    if (run.info.status !== "FINISHED") {
      throw new Error(`${plan.sweepId} variant ${label}: run ${run.info.run_id} is ${run.info.status}, not FINISHED`);
    }
    const prior = byLabel.get(label);
    // A variant run twice (a retried job) counts once: its latest finished run.
    if (!prior || Number(prior.info.start_time) < Number(run.info.start_time)) byLabel.set(label, run);
  }
  const missing = plan.variants.filter((v) => !byLabel.has(v.label)).map((v) => v.label);
  if (missing.length > 0) {
    throw new Error(
      `${plan.sweepId}: no finished run for variant(s) ${missing.join(", ")} in experiment ${experiment}`,
    );
  }
  const { key } = selectionMetric(plan);
  return Promise.all(
    plan.variants.map(async (variant) => {
      const run = byLabel.get(variant.label) as Run;
      const tags = tagRecord(run.data.tags);
      if (tags.config_hash !== variant.loaded.hash) {
        throw new Error(
          `${plan.sweepId} variant ${variant.label}: run ${run.info.run_id} ran another config (config_hash ${tags.config_hash})`,
        );
      }
      const metrics = new Map((run.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));
      const model = tags[RUN_TAGS.promoteModel];
      const metric = metrics.get(`${model}.${key}`) ?? metrics.get(key) ?? Number.NaN;
      const source = `run ${run.info.run_id} (${variant.label}) ${RETURNS_ARTIFACT}`;
      const csv = new TextDecoder().decode(await client.downloadArtifact(run.info.run_id, RETURNS_ARTIFACT));
      const config = variant.loaded.config;
      const names = [...config.models.map(modelEntryName), ...(config.ensemble ? ["ensemble"] : [])];
      const trialKeys = names.map((n) => trialKey(trialConfigHash(config), tags.data_hash ?? "", n));
      return {
        variant,
        runId: run.info.run_id,
        metric,
        metrics,
        trialKeys,
        returns: parseReturnsCsv(csv, "oos", source),
      };
    }),
  );

  async function taggedRuns(): Promise<Run[]> {
    const exp = await client.getExperimentByName(experiment);
    if (!exp) return [];
    const all = await client.searchAllRuns({
      experimentIds: [exp.experiment_id],
      filter: `tags.\`${SWEEP_TAGS.id}\` = '${plan.sweepId}' and attributes.status = 'FINISHED'`,
    });
    return all.filter((r) => tagRecord(r.data.tags)[SWEEP_TAGS.role] !== "sweep");
  }
}
