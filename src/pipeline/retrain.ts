/**
 * `retrain`: a promoted config (promotedConfig.ts) run again on the store's bars, as a new tracked
 * run, and judged against the champion on a common forward window (forwardWindow.ts). The run's
 * own checks decide first: a run they refuse is not registered. Otherwise promotion
 * (promote.ts, the one policy) registers it, with beats_champion decided on the forward window:
 * the champion moves only when every gate passes there; with no forward window yet, the new
 * version stays `challenger`. The outcome and its reason go to the run's tags
 * (`wsp.retrain.outcome`, `wsp.retrain.reason`) and to the return value. A queued retrain is
 * found again by its job id (`wsp.job_id`): a retried attempt returns the decided run of an
 * earlier one, and ends an abandoned RUNNING one KILLED first, as a train job does. Scheduled by
 * jobs/schedules.ts; the protocol is in docs/architecture.md ("Promotion").
 */
import { CHAMPION, type ForwardComparison, holdoutUse, ownChecksVerdict, PromotionRefused } from "../promotion";
import { trackingUri as defaultTrackingUri } from "../services";
import {
  endAbandonedJobRuns,
  HOLDOUT_END_TAG,
  holdoutLedgerOf,
  jobRunsOf,
  MlflowClient,
  ModelRegistry,
  tagRecord,
} from "../tracking";
import { forwardComparison } from "./forwardWindow";
import { loadRegisteredModel } from "./loadRegisteredModel";
import { type PromotionResult, promoteRun } from "./promote";
import { type PromotedConfig, readPromotedConfig } from "./promotedConfig";
import { type StoreChoice, withStoreQuery } from "./storeSource";
import type { RunHooks } from "./experimentResult";
import { runTracked } from "./trackExperiment";

/** `store` / `schema`: where the fresh bars are read (storeSource.ts). */
export interface RetrainOptions extends StoreChoice {
  /** Tracking server (default MLFLOW_TRACKING_URI, else the local server). */
  trackingUri?: string;
  outboxDir?: string;
  /** Where the promoted config is rewritten when the retrained version becomes champion. */
  promotedDir?: string;
  /** The queued job's id (tag `wsp.job_id`). */
  jobId?: string;
  /** Told as each phase starts (a job's progress). */
  onPhase?: RunHooks["onPhase"];
  progress?: boolean;
  png?: boolean;
}

/** `champion` / `challenger`: the alias the new version took; `refused`: nothing was registered. */
export type RetrainOutcome = "champion" | "challenger" | "refused";

export interface RetrainResult {
  model: string;
  /** The new tracked run (a pipeline failure is thrown instead, its run FAILED). */
  runId: string;
  outcome: RetrainOutcome;
  /** Why, in one text: the failed checks or gates, or that every gate passed. */
  reason: string;
  /** The registered version (null when refused). */
  version: string | null;
  /** The champion the run was judged against (null: none). */
  champion: string | null;
  /** The forward-window comparison (null when there was no champion to compare with). */
  forward: ForwardComparison | null;
  promotion: PromotionResult | null;
  /** True when a retried job found its earlier attempt's decided run (forward and promotion are then null). */
  reused: boolean;
}

/** The run's tags that record the decision, so a retried job can return it. */
const RETRAIN_TAGS = {
  of: "wsp.retrain.of",
  outcome: "wsp.retrain.outcome",
  reason: "wsp.retrain.reason",
  version: "wsp.retrain.version",
  champion: "wsp.retrain.champion",
} as const;

/**
 * An earlier attempt of the queued retrain `jobId`: its decided run as the result, or null after
 * ending its abandoned runs (RUNNING: the attempt died) KILLED. A FINISHED run without a decision
 * (the attempt died between the run and the judging) is left as it is: the job runs again.
 */
async function earlierAttempt(
  client: MlflowClient,
  promoted: PromotedConfig,
  jobId: string,
): Promise<RetrainResult | null> {
  const experiment = await client.getExperimentByName(promoted.loaded.config.tracking.experiment);
  if (!experiment) return null;
  const runs = await jobRunsOf(client, experiment.experiment_id, jobId);
  for (const run of runs) {
    const tags = tagRecord(run.data.tags);
    const outcome = tags[RETRAIN_TAGS.outcome] as RetrainOutcome | undefined;
    if (run.info.status !== "FINISHED" || outcome === undefined) continue;
    return {
      model: promoted.name,
      runId: run.info.run_id,
      outcome,
      reason: tags[RETRAIN_TAGS.reason] ?? "",
      version: tags[RETRAIN_TAGS.version] || null,
      champion: tags[RETRAIN_TAGS.champion] || null,
      forward: null,
      promotion: null,
      reused: true,
    };
  }
  await endAbandonedJobRuns(client, runs, jobId);
  return null;
}

/** The reason text of a promotion: every gate passed, or the failed gates' details. */
function promotionReason(p: PromotionResult): string {
  if (p.champion) return `every gate passed: ${p.gates.map((g) => `${g.gate}: ${g.detail}`).join("; ")}`;
  return `kept as challenger: ${p.gates
    .filter((g) => !g.passed)
    .map((g) => `${g.gate}: ${g.detail}`)
    .join("; ")}`;
}

/** Retrains the model of a promoted config (its path, or as parsed) on the store's bars and judges it. */
export async function retrain(source: string | PromotedConfig, opts: RetrainOptions = {}): Promise<RetrainResult> {
  const promoted = typeof source === "string" ? readPromotedConfig(source) : source;
  const name = promoted.name;
  const client = new MlflowClient({
    trackingUri: opts.trackingUri ?? defaultTrackingUri(),
    retries: 3,
    backoffMs: 200,
  });
  if (opts.jobId) {
    const earlier = await earlierAttempt(client, promoted, opts.jobId);
    if (earlier) return earlier;
  }
  const tracked = await withStoreQuery("store", opts, (fromStore) =>
    runTracked(promoted.loaded, {
      fromStore,
      trackingUri: client.trackingUri,
      outboxDir: opts.outboxDir,
      jobId: opts.jobId,
      onPhase: opts.onPhase,
      progress: opts.progress,
      png: opts.png,
    }),
  );
  const runId = tracked.runId;
  const finish = async (r: Omit<RetrainResult, "model" | "runId" | "reused">): Promise<RetrainResult> => {
    // One batch: a retried job sees the whole decision or none of it.
    const tags = {
      [RETRAIN_TAGS.of]: name,
      [RETRAIN_TAGS.outcome]: r.outcome,
      [RETRAIN_TAGS.reason]: r.reason.slice(0, 5000),
      ...(r.version ? { [RETRAIN_TAGS.version]: r.version } : {}),
      ...(r.champion ? { [RETRAIN_TAGS.champion]: r.champion } : {}),
    };
    await client.logBatch(runId, { tags });
    return { model: name, runId, ...r, reused: false };
  };
  if (tracked.offline) {
    throw new Error(
      `retrain of ${name}: MLflow was unreachable, the run ${runId} is in the outbox; \`wsp mlflow sync\` sends it, then \`wsp promote ${runId}\` judges it`,
    );
  }
  const result = tracked.result;
  const none = { version: null, champion: null, forward: null, promotion: null };
  // The run's own checks as `wsp promote` reads them (leakage, signal): the deflated Sharpe and the
  // control are decided again at promotion, with the ledger and control runs as they then are.
  if (ownChecksVerdict(result.gates) === "refused") {
    const failed = result.gates.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
    return finish({ ...none, outcome: "refused", reason: `the run's own checks refused it: ${failed.join("; ")}` });
  }
  const registry = new ModelRegistry(client);
  const championVersion = await registry.getAlias(name, CHAMPION);
  let forward: ForwardComparison | undefined;
  if (championVersion?.run_id) {
    const championRun = await client.getRun(championVersion.run_id);
    const holdoutEnd = Date.parse(tagRecord(championRun.data.tags)[HOLDOUT_END_TAG] ?? "");
    if (Number.isNaN(holdoutEnd)) {
      throw new Error(
        `${name} v${championVersion.version}: its run ${championVersion.run_id} records no ${HOLDOUT_END_TAG}, so no forward window can be set after it`,
      );
    }
    // Weekly retrains judge overlapping windows; once those have served the reuse limit they are a
    // selection set, so the window starts after the latest used-up one (fresh bars only, and no
    // forward window until they exist) rather than being refused for good.
    const ledger = holdoutLedgerOf(tagRecord((await registry.getRegisteredModel(name))?.tags ?? []));
    const limit = result.config.promotion.holdout_reuse_limit;
    const usedUp = holdoutUse(ledger, { start: holdoutEnd, end: holdoutEnd }, limit).usedUp;
    const after = Math.max(holdoutEnd, usedUp?.window.end ?? holdoutEnd);
    const champion = await loadRegisteredModel(`${name}/${championVersion.version}`, { client });
    forward = forwardComparison(result, champion, after, result.config.promotion.metric);
  }
  const judged = { champion: championVersion?.version ?? null, forward: forward ?? null };
  let promotion: PromotionResult;
  try {
    promotion = await promoteRun(client, runId, { modelName: name, forward, promotedDir: opts.promotedDir });
  } catch (err) {
    if (!(err instanceof PromotionRefused)) throw err;
    return finish({ ...none, ...judged, outcome: "refused", reason: `promotion refused it: ${err.message}` });
  }
  return finish({
    ...judged,
    outcome: promotion.champion ? "champion" : "challenger",
    reason: promotionReason(promotion),
    version: promotion.version,
    promotion,
  });
}
