/**
 * The MLflow side of `wsp promote`: reading a run, its champion, its control runs and the ledgers
 * into the promotion policy's plain inputs (src/promotion), and writing the verdict to the registry
 * (the version, its tags and description, the aliases, the holdout count). The policy decides; the
 * protocol, with the tags and metrics a run must carry, is in docs/architecture.md ("Promotion").
 */
import type { SharpeInputs } from "../backtest";
import {
  CHALLENGER,
  CHAMPION,
  type ChampionStanding,
  type DsrBasis,
  defaultDirection,
  describeWindow,
  type FailedCheck,
  formatValue as fmt,
  GO_NO_GO_GATES,
  type GoNoGoBasis,
  type GoNoGoFigures,
  type GoNoGoSettings,
  type HoldoutUse,
  holdoutTwin,
  type MetricReading,
  type PromotionEvidence,
  type PromotionSettings,
  type PromotionVerdict,
  type RunStanding,
  UNRECORDED_SETTINGS,
} from "../promotion";
import { countHoldoutDecision } from "./holdoutLedger";
import type { MlflowClient } from "./mlflowClient";
import { ERROR_TAG } from "./recorder";
import { findRunLoggedModel, type ModelRegistry, type ModelVersion, tagRecord } from "./registry";
import { experimentLedger, ledgerStats } from "./trials";
import type { LoggedModel, Run } from "./types";

/** The run tags promotion reads; the runner (pipeline/trackExperiment.ts) writes them. */
export const RUN_TAGS = {
  /** The model to register: `ensemble` or a model's name. */
  promoteModel: "wsp.promote_model",
  /** An artifact directory holding model.json, for runs without a logged model. */
  promotePath: "wsp.promote_path",
  /** The registered model's name. */
  modelName: "wsp.model_name",
  /** The runner's own verdict (leakage, signal): `passed` or `refused`. */
  runChecks: "wsp.gates",
  /** `none` when the config switched the control off; on a child run, it marks the control. */
  control: "wsp.control",
  /** `control` on the shuffled-label control's child run. */
  role: "wsp.role",
} as const;

function tagsOf(run: Run): Record<string, string> {
  return tagRecord(run.data.tags);
}

function metricsOf(run: Run): Map<string, number> {
  return new Map((run.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));
}

/** The first of `keys` the run has as a metric, or NaN. */
function firstMetric(run: Run, keys: string[]): MetricReading {
  const metrics = metricsOf(run);
  for (const k of keys) {
    const v = metrics.get(k);
    if (v !== undefined) return { key: k, value: v };
  }
  return { key: null, value: Number.NaN };
}

/** What the refusals read of a run. */
export function runStanding(run: Run): RunStanding {
  const tags = tagsOf(run);
  return {
    runId: run.info.run_id,
    runName: run.info.run_name ?? "",
    parentRunId: tags["mlflow.parentRunId"] || null,
    status: run.info.status,
    error: tags[ERROR_TAG] || null,
    runChecks: tags[RUN_TAGS.runChecks],
    controlOff: tags[RUN_TAGS.control] === "none",
  };
}

/** The model a run registers: its logged model of that name, else the directory of its files. */
export interface PromotionTarget {
  model: string;
  logged: LoggedModel | null;
  /** The artifact directory holding model.json, when there is no logged model. */
  path: string | null;
}

/**
 * The run's `wsp.promote_model` and its MLflow 3 logged model of that name, unless
 * `wsp.promote_path` names a directory of the run's own files (where runs recorded before logged
 * models keep them). Throws when the run names no model or holds none.
 */
export async function promotionTarget(client: MlflowClient, run: Run): Promise<PromotionTarget> {
  const runId = run.info.run_id;
  const tags = tagsOf(run);
  const model = tags[RUN_TAGS.promoteModel];
  if (!model) {
    throw new Error(
      `run ${runId}: tag wsp.promote_model is missing (which model to register: "ensemble" or a model name)`,
    );
  }
  const promotePath = tags[RUN_TAGS.promotePath];
  const logged = promotePath ? null : await findRunLoggedModel(client, run.info.experiment_id, runId, model);
  if (logged) return { model, logged, path: null };
  const candidates = promotePath ? [promotePath.replace(/\/+$/, "")] : [`model/${model}`, "model"];
  for (const dir of candidates) {
    if ((await client.listArtifacts(runId, dir)).some((f) => f.path === `${dir}/model.json`)) {
      return { model, logged: null, path: dir };
    }
  }
  throw new Error(
    `run ${runId}: no model.json in ${candidates.join(" or ")} among its artifacts (tag wsp.promote_path names the directory)`,
  );
}

/** The registered model's name: the run's `wsp.model_name`, else its experiment's name. */
export async function registeredNameOf(client: MlflowClient, run: Run): Promise<string> {
  return tagsOf(run)[RUN_TAGS.modelName] ?? (await client.getExperiment(run.info.experiment_id)).name;
}

/** The promotion block as the run recorded it (`promotion.*`, a tag winning over a param). */
export function promotionSettingsOf(run: Run): PromotionSettings {
  const tags = tagsOf(run);
  const params = tagRecord(run.data.params);
  const get = (key: string): string | undefined => tags[key] ?? params[key];
  const num = (key: string, dflt: number): number => {
    const raw = get(key);
    if (raw === undefined) return dflt;
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new Error(`run ${run.info.run_id}: ${key} = "${raw}": expected a number`);
    return v;
  };
  const d = UNRECORDED_SETTINGS;
  const metric = get("promotion.metric") ?? d.metric;
  const dir = get("promotion.direction");
  if (dir !== undefined && dir !== "min" && dir !== "max") {
    throw new Error(`run ${run.info.run_id}: promotion.direction = "${dir}": expected "min" or "max"`);
  }
  const basis = get("promotion.dsr_basis");
  if (basis !== undefined && basis !== "active" && basis !== "absolute") {
    throw new Error(`run ${run.info.run_id}: promotion.dsr_basis = "${basis}": expected "active" or "absolute"`);
  }
  const beat = get("promotion.beat_control");
  if (beat !== undefined && beat !== "true" && beat !== "false") {
    throw new Error(`run ${run.info.run_id}: promotion.beat_control = "${beat}": expected true or false`);
  }
  const thresholds: GoNoGoSettings["thresholds"] = {};
  for (const g of GO_NO_GO_GATES) if (get(`promotion.${g}`) !== undefined) thresholds[g] = num(`promotion.${g}`, 0);
  const on = get("promotion.go_no_go_on") ?? "holdout";
  if (on !== "holdout" && on !== "oos") {
    throw new Error(`run ${run.info.run_id}: promotion.go_no_go_on = "${on}": expected "holdout" or "oos"`);
  }
  const goNoGo: GoNoGoSettings | undefined =
    Object.keys(thresholds).length > 0
      ? { on, thresholds, maxDirectionAccuracy: num("leakage.max_direction_accuracy", 0.7) }
      : undefined;
  return {
    ...(goNoGo ? { goNoGo } : {}),
    metric,
    margin: num("promotion.margin", d.margin),
    minDeflatedSharpe: num("promotion.min_deflated_sharpe", d.minDeflatedSharpe),
    dsrBasis: basis ?? null,
    beatControl: beat !== "false",
    direction: dir ?? defaultDirection(metric),
    holdoutReuseLimit: num("promotion.holdout_reuse_limit", d.holdoutReuseLimit),
  };
}

/**
 * The runner's failed checks from its `gates.json` artifact (`{ checks: [{ name, passed,
 * detail }] }`); none when the artifact is absent or unreadable.
 */
export async function failedRunChecks(client: MlflowClient, runId: string): Promise<FailedCheck[]> {
  try {
    const text = new TextDecoder().decode(await client.downloadArtifact(runId, "gates.json"));
    const parsed = JSON.parse(text) as { checks?: { name?: string; passed?: boolean; detail?: string }[] };
    return (parsed.checks ?? []).filter((c) => c.passed === false);
  } catch {
    // The verdict alone still refuses the run; the details are a courtesy.
    return [];
  }
}

/**
 * The metric keys of the deflated Sharpe on `basis`, in the order to try. Runs since the basis
 * exists log `deflated_sharpe_absolute` and `deflated_sharpe_active` (and `deflated_sharpe` on
 * their configured basis); runs recorded before it logged only `deflated_sharpe` (else
 * `backtest.` or `<model>.` prefixed), on absolute returns. That old key stands in for the
 * absolute basis and for an unset one, never for the active basis it was not computed on.
 */
export function dsrKeys(run: Run, model: string, basis: DsrBasis | null): string[] {
  const legacy = ["deflated_sharpe", "backtest.deflated_sharpe", `${model}.deflated_sharpe`];
  if (basis === null) return legacy;
  const before = !metricsOf(run).has("deflated_sharpe_absolute");
  if (!before) return [`deflated_sharpe_${basis}`];
  return basis === "absolute" ? legacy : [];
}

/** The registry as it stands for `name` and the run: its tags, the run's version, the champion. */
export interface RegistryStanding {
  modelTags: Record<string, string>;
  existing: ModelVersion | undefined;
  champion: ModelVersion | null;
}

export async function registryStanding(
  registry: ModelRegistry,
  name: string,
  runId: string,
): Promise<RegistryStanding> {
  const registered = await registry.getRegisteredModel(name);
  if (!registered) return { modelTags: {}, existing: undefined, champion: null };
  return {
    modelTags: tagRecord(registered.tags),
    existing: (await registry.searchModelVersions(name)).find((v) => v.run_id === runId),
    champion: await registry.getAlias(name, CHAMPION),
  };
}

/** A run's final-holdout value of the metric: `<model>.<twin>`, `<twin>`, else the metric itself. */
function holdoutReading(run: Run, model: string, metric: string): MetricReading {
  const twin = holdoutTwin(metric);
  const h = firstMetric(run, [`${model}.${twin}`, twin]);
  return h.key ? h : firstMetric(run, [`${model}.${metric}`, metric]);
}

/** Reads what the gates decide on; `reg` says whether there is a champion and whether it is this run. */
export async function readEvidence(
  client: MlflowClient,
  run: Run,
  model: string,
  settings: PromotionSettings,
  reg: RegistryStanding,
  runChecks: PromotionEvidence["runChecks"],
): Promise<PromotionEvidence> {
  const metricKeys = [`${model}.${settings.metric}`, settings.metric];
  let champion: ChampionStanding = { kind: "none" };
  if (reg.champion && reg.existing && reg.champion.version === reg.existing.version) {
    champion = { kind: "self", version: reg.champion.version };
  } else if (reg.champion) {
    const champRun = reg.champion.run_id ? await client.getRun(reg.champion.run_id) : null;
    const champModel = champRun ? (tagsOf(champRun)[RUN_TAGS.promoteModel] ?? model) : model;
    const holdout = champRun ? holdoutReading(champRun, champModel, settings.metric) : { key: null, value: Number.NaN };
    champion = { kind: "other", version: reg.champion.version, holdout };
  }
  return {
    settings,
    metric: firstMetric(run, metricKeys),
    holdout: holdoutReading(run, model, settings.metric),
    holdoutMetric: holdoutTwin(settings.metric),
    champion,
    dsr: await readDsr(client, run, model, settings.dsrBasis),
    controls: settings.beatControl ? await readControls(client, run, metricKeys) : null,
    runChecks,
    ...(settings.goNoGo ? { goNoGo: goNoGoReading(run, model, settings.goNoGo.on) } : {}),
  };
}

/** The go/no-go gates' figures as the run logged them (pipeline/goNoGoFigures.ts names them); NaN where absent. */
function goNoGoReading(run: Run, model: string, on: GoNoGoBasis): GoNoGoFigures {
  const read = (key: string) => firstMetric(run, [`${model}.${key}`, key]).value;
  return {
    oofEce: read("oos_ece"),
    accuracy: read(`${on}_accuracy`),
    sharpe: read(`${on}_sharpe`),
    maxDrawdown: read(`${on}_max_drawdown`),
    winRate: read(`${on}_win_rate`),
    stressMaxDrawdown: read("stress_max_drawdown"),
    pbo: read("grid_pbo"),
  };
}

/** The deflated Sharpe as logged, its inputs, and the experiment's trial ledger as it stands. */
async function readDsr(
  client: MlflowClient,
  run: Run,
  model: string,
  basis: DsrBasis | null,
): Promise<PromotionEvidence["dsr"]> {
  const m = metricsOf(run);
  // Runs recorded before the basis existed carry the absolute one.
  const on = basis ?? "absolute";
  const inputs: SharpeInputs = {
    sr: m.get(`sharpe_inputs.${on}.sr`) ?? Number.NaN,
    nObs: m.get(`sharpe_inputs.${on}.n_obs`) ?? Number.NaN,
    skew: m.get(`sharpe_inputs.${on}.skew`) ?? Number.NaN,
    kurtosis: m.get(`sharpe_inputs.${on}.kurtosis`) ?? Number.NaN,
  };
  return {
    logged: firstMetric(run, dsrKeys(run, model, basis)),
    loggedTrials: firstMetric(run, ["trials"]).value,
    inputs,
    ledger: ledgerStats(experimentLedger(await client.getExperiment(run.info.experiment_id)), inputs.nObs),
  };
}

/** The control runs: children tagged `wsp.role=control` or `wsp.control`, or named `control`. */
async function readControls(
  client: MlflowClient,
  run: Run,
  metricKeys: string[],
): Promise<{ runs: number; values: number[] }> {
  const children = await client.searchAllRuns({
    experimentIds: [run.info.experiment_id],
    filter: `tags.\`mlflow.parentRunId\` = '${run.info.run_id}'`,
  });
  const controls = children.filter((c) => {
    const t = tagsOf(c);
    return t[RUN_TAGS.role] === "control" || t[RUN_TAGS.control] !== undefined || c.info.run_name === "control";
  });
  return { runs: controls.length, values: controls.map((c) => firstMetric(c, metricKeys).value) };
}

/**
 * The first line of a version's description once `alias` has moved from it to `to`: the line
 * written at promotion ("Kept as challenger: …" / "Promoted to champion: …") would otherwise
 * claim an alias the version no longer has. The lines below it (a FORCED line, the gates) stay
 * as evaluated.
 */
export function formerAliasHead(head: string, alias: string, to: string, day: string): string {
  const moved = `No alias: ${alias} moved to version ${to} on ${day}.`;
  if (head.startsWith("Kept as challenger: "))
    return `${moved} Its gates: ${head.slice("Kept as challenger: ".length)}`;
  if (head.startsWith("Promoted to champion")) return `${moved} Every gate had passed.`;
  return head;
}

/** Points `alias` at `version`; the version that held it gets its description's first line rewritten (above). */
async function moveAlias(registry: ModelRegistry, name: string, alias: string, version: string): Promise<void> {
  const previous = await registry.getAlias(name, alias);
  await registry.setAlias(name, alias, version);
  if (!previous || previous.version === version || !previous.description) return;
  const [head, ...rest] = previous.description.split("\n");
  const next = formerAliasHead(head, alias, version, new Date().toISOString().slice(0, 10));
  if (next !== head) await registry.setModelVersionDescription(name, previous.version, [next, ...rest].join("\n"));
}

/** The version's tags: what was decided, on what, and each gate's value, threshold and verdict. */
function versionTags(
  e: PromotionEvidence,
  v: PromotionVerdict,
  d: { model: string; runId: string; previousChampion: string | null; holdout: HoldoutUse | null },
): Record<string, string> {
  const tags: Record<string, string> = {
    [RUN_TAGS.promoteModel]: d.model,
    "wsp.run_id": d.runId,
    "wsp.metric": e.settings.metric,
    [`wsp.metric.${e.settings.metric}`]: fmt(e.metric.value),
    [`wsp.metric.${e.holdoutMetric}`]: fmt(e.holdout.value),
    "wsp.verdict": v.champion ? CHAMPION : CHALLENGER,
    "wsp.evaluated_against": d.previousChampion ?? "none",
    "wsp.dsr.logged": fmt(v.dsr.logged.value),
    "wsp.dsr.logged_trials": fmt(v.dsr.logged.trials),
    "wsp.dsr.decision": v.dsr.decision ? fmt(v.dsr.decision.value) : "none",
    "wsp.dsr.decision_trials": v.dsr.decision ? String(v.dsr.decision.trials) : "none",
  };
  if (d.holdout) {
    tags["wsp.holdout.window"] = describeWindow(d.holdout.window);
    tags["wsp.holdout.decisions"] = String(d.holdout.served + 1);
  }
  if (e.forward) {
    tags["wsp.forward.window"] = e.forward.window ? describeWindow(e.forward.window) : "none";
    tags["wsp.forward.rows"] = String(e.forward.rows);
    if (e.forward.challenger.key) tags[`wsp.metric.${e.forward.challenger.key}`] = fmt(e.forward.challenger.value);
    if (e.forward.champion.key) tags[`wsp.champion.${e.forward.champion.key}`] = fmt(e.forward.champion.value);
  }
  if (e.runChecks.refused) {
    tags["wsp.forced"] = "true";
    tags["wsp.forced.reason"] = e.runChecks.refused.slice(0, 5000);
  }
  for (const g of v.gates) {
    tags[`gate.${g.gate}`] = g.passed ? "pass" : "fail";
    tags[`gate.${g.gate}.value`] = fmt(g.value);
    tags[`gate.${g.gate}.threshold`] = Number.isNaN(g.threshold) ? "none" : fmt(g.threshold);
  }
  return tags;
}

/** What `recordPromotion` writes: the run, where its model is, and the decision on it. */
export interface PromotionRecord {
  client: MlflowClient;
  registry: ModelRegistry;
  run: Run;
  name: string;
  target: PromotionTarget;
  reg: RegistryStanding;
  holdout: HoldoutUse | null;
  evidence: PromotionEvidence;
  verdict: PromotionVerdict;
}

/**
 * Registers the run's model (or re-uses its version), writes the verdict to the version's tags and
 * description, counts the holdout decision, moves `champion` or `challenger` to it and tags the
 * run with `wsp.registered_version`. Returns the version.
 */
export async function recordPromotion(p: PromotionRecord): Promise<string> {
  const { client, registry, run, name, verdict } = p;
  const runId = run.info.run_id;
  const tags = versionTags(p.evidence, verdict, {
    model: p.target.model,
    runId,
    previousChampion: p.reg.champion?.version ?? null,
    holdout: p.holdout,
  });
  let version: ModelVersion;
  if (p.reg.existing) {
    version = p.reg.existing;
    await registry.setModelVersionTags(name, version.version, tags);
  } else {
    const { logged, path } = p.target;
    version = await registry.createModelVersion({
      name,
      ...(logged
        ? { source: `models:/${logged.info.model_id}`, modelId: logged.info.model_id }
        : { source: `${run.info.artifact_uri.replace(/\/+$/, "")}/${path}` }),
      runId,
      tags,
      description: verdict.description,
    });
  }
  await registry.setModelVersionDescription(name, version.version, verdict.description);
  if (p.holdout) await countHoldoutDecision(registry, name, p.reg.modelTags, p.holdout.window, runId);
  if (verdict.champion) {
    await moveAlias(registry, name, CHAMPION, version.version);
    const challenger = await registry.getAlias(name, CHALLENGER);
    if (challenger?.version === version.version) await registry.deleteAlias(name, CHALLENGER);
  } else {
    await moveAlias(registry, name, CHALLENGER, version.version);
  }
  await client.setTag(runId, "wsp.registered_version", `${name}/${version.version}`);
  return version.version;
}
