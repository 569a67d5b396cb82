/**
 * `wsp promote <run>`: reads the run and the registry through tracking, lets the promotion policy
 * (src/promotion) refuse or decide, and has tracking record the verdict. The protocol is in
 * docs/architecture.md ("Promotion").
 */
import {
  type Direction,
  decidePromotion,
  type ForwardComparison,
  type Gate,
  holdoutRefusal,
  holdoutUse,
  ownRefusal,
  PromotionRefused,
  type RefusalOverrides,
  runChecksRefusal,
  unfinishedRefusal,
} from "../promotion";
import {
  holdoutLedgerOf,
  holdoutWindowOf,
  type MlflowClient,
  failedRunChecks,
  promotionSettingsOf,
  promotionTarget,
  readEvidence,
  recordPromotion,
  registeredNameOf,
  registryStanding,
  runStanding,
  MlflowError,
  ModelRegistry,
  tagRecord,
} from "../tracking";
import { writePromotedConfig } from "./promotedConfig";

export interface PromoteOptions extends RefusalOverrides {
  /** Override of `wsp.model_name` / the experiment name. */
  modelName?: string;
  /**
   * A retrain's comparison (retrain.ts): beats_champion is decided on this forward window, and
   * the window (when there is one) is what the holdout ledger counts the decision against.
   */
  forward?: ForwardComparison;
  /**
   * Where a version that is champion after the decision gets its promoted config
   * (promotedConfig.ts; `wsp promote` passes `experiments/promoted`). Unset: none is written.
   */
  promotedDir?: string;
}

export interface PromotionResult {
  name: string;
  version: string;
  runId: string;
  model: string;
  metric: string;
  direction: Direction;
  gates: Gate[];
  /** True when this version is now `champion`. */
  champion: boolean;
  /** The champion before this promotion (null when there was none). */
  previousChampion: string | null;
  /** Registered although the run's own checks refused it (`force`). */
  forced: boolean;
  description: string;
  /** The promoted config written for the champion (null: not champion, no `promotedDir`, or a run without config.yaml). */
  promotedConfig: string | null;
}

/** Evaluates the gates for `runId`, registers its model and moves the aliases by the policy. */
export async function promoteRun(
  client: MlflowClient,
  runId: string,
  opts: PromoteOptions = {},
): Promise<PromotionResult> {
  const registry = new ModelRegistry(client);
  const run = await client.getRun(runId);
  const standing = runStanding(run);
  const unfit = unfinishedRefusal(standing);
  if (unfit) throw new PromotionRefused(unfit);
  const target = await promotionTarget(client, run);
  const name = opts.modelName ?? (await registeredNameOf(client, run));
  const settings = promotionSettingsOf(run);
  // The run's own refusal (leakage, no signal) and a switched-off control stop it here, before
  // anything is registered.
  const refused =
    standing.runChecks === "refused" ? runChecksRefusal(standing, await failedRunChecks(client, runId)) : null;
  const own = ownRefusal(standing, refused, opts);
  if (own) throw new PromotionRefused(own);

  const reg = await registryStanding(registry, name, runId);
  const window = opts.forward?.window ?? holdoutWindowOf(tagRecord(run.data.tags));
  const holdout = window ? holdoutUse(holdoutLedgerOf(reg.modelTags), window, settings.holdoutReuseLimit) : null;
  const previousChampion = reg.champion?.version ?? null;
  const isChampionAlready = reg.existing !== undefined && reg.existing.version === previousChampion;
  // Re-promoting the champion's own run decides nothing, so it does not count against the holdout.
  const holdoutRefused = holdout && !isChampionAlready ? holdoutRefusal(name, holdout) : null;
  if (holdoutRefused) throw new PromotionRefused(`run ${runId} is not registered: ${holdoutRefused}`);
  await registry.getOrCreateRegisteredModel(name);

  const read = await readEvidence(client, run, target.model, settings, reg, {
    verdict: standing.runChecks,
    refused,
  });
  const evidence = opts.forward ? { ...read, forward: opts.forward } : read;
  const verdict = decidePromotion(evidence, name, holdout);
  const base = {
    name,
    runId,
    model: target.model,
    metric: settings.metric,
    direction: settings.direction,
    gates: verdict.gates,
    champion: verdict.champion,
    previousChampion,
    forced: refused !== null,
  };
  // A run the runner did not record has no config.yaml: it is registered, but has no config to retrain.
  const promoted = async (version: string) => {
    if (!opts.promotedDir) return null;
    const text = await runConfigText(client, runId);
    if (text === null) return null;
    return writePromotedConfig(opts.promotedDir, text, {
      name,
      version,
      run,
      metric: settings.metric,
      gates: verdict.gates,
    });
  };
  if (reg.existing && isChampionAlready) {
    // Already the champion, and it stays so (nothing is decided): its tags and description keep
    // the evaluation that made it champion; `gates` shows how it would fare now.
    const current = await registry.getModelVersion(name, reg.existing.version);
    return {
      ...base,
      champion: true,
      version: reg.existing.version,
      description: current?.description ?? verdict.description,
      promotedConfig: await promoted(reg.existing.version),
    };
  }
  const version = await recordPromotion({ client, registry, run, name, target, reg, holdout, evidence, verdict });
  return {
    ...base,
    version,
    description: verdict.description,
    promotedConfig: verdict.champion ? await promoted(version) : null,
  };
}

/** The run's `config.yaml` artifact; null when it has none. */
async function runConfigText(client: MlflowClient, runId: string): Promise<string | null> {
  try {
    return new TextDecoder().decode(await client.downloadArtifact(runId, "config.yaml"));
  } catch (err) {
    if (err instanceof MlflowError && (err.status === 404 || err.errorCode === "RESOURCE_DOES_NOT_EXIST")) return null;
    throw err;
  }
}
