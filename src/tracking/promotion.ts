/**
 * Promotion of a parent run's model in the registry (`wsp promote <run>`). What the run must
 * carry (the experiment runner, src/pipeline/trackExperiment.ts, writes it):
 *   tags    wsp.promote_model  the model to register: `ensemble` or the best model's name; the
 *                              run's MLflow 3 logged model of that name is registered (source
 *                              `models:/<model_id>`); runs without one keep their files in:
 *           wsp.promote_path   its artifact directory, holding model.json; default
 *                              `model/<promote_model>`, else `model`
 *           wsp.model_name     the registered model's name (default: the experiment's name)
 *           wsp.gates          the runner's own checks (leakage, signal): `refused` fails run_checks
 *   tags or params (a tag wins; the flattened config gives the params)
 *           promotion.metric               e.g. `oos_logloss` (default), `holdout_auc`
 *           promotion.margin               required improvement over the champion (default 0)
 *           promotion.min_deflated_sharpe  default 0.5
 *           promotion.dsr_basis            `active` | `absolute`: which deflated Sharpe the gate
 *                                          reads (`deflated_sharpe_<basis>`); unset: `deflated_sharpe`
 *           promotion.beat_control         default true
 *           promotion.direction            `min` | `max`; default `min` for loss/error/Brier/ECE
 *                                          metrics, `max` otherwise
 *   metrics a metric `m` is read as `<promote_model>.m`, else `m`; the deflated Sharpe by
 *           `dsrKeys`: `deflated_sharpe_<dsr_basis>` when the basis is given, else
 *           `deflated_sharpe` (else `backtest.deflated_sharpe`, else
 *           `<promote_model>.deflated_sharpe`). The runner logs `deflated_sharpe` on its
 *           configured basis (default active: returns beyond beta times the benchmark); runs
 *           recorded before the basis existed carry the absolute one there, read for the
 *           absolute basis only.
 *           `sharpe_inputs.<basis>.{sr,n_obs,skew,kurtosis}`: the deflated Sharpe's inputs, to
 *           recompute it with the experiment's trial ledger as it stands at the decision
 *   child   the control run: a child run (`mlflow.parentRunId`) tagged `wsp.role=control` or
 *           `wsp.control`, or named `control`: the same pipeline on shuffled labels
 *
 * Refused before any gate, with nothing registered and an error saying why (the CLI exits 1):
 *   - a child run (it names its parent: promote that) and a run that did not finish (FAILED,
 *     KILLED or still RUNNING);
 *   - a run its own checks refused (`wsp.gates=refused`: suspected leakage, no signal), unless
 *     `force`: the version is then tagged `wsp.forced=true` and `wsp.forced.reason`;
 *   - a run whose config switched the shuffled-label control off (`wsp.control=none`), unless
 *     `allowNoControl`;
 *   - a run whose final holdout (`wsp.holdout.start` / `.end`) has served
 *     `promotion.holdout_reuse_limit` decisions (default 5) for the registered model already
 *     (holdoutLedger.ts): it needs a forward window.
 *
 * Gates (all must pass for the version to become `champion`):
 *   (a) beats_champion, on the final holdout: the metric's holdout twin (`oos_logloss` →
 *       `holdout_logloss`; a `holdout_` metric as is; the metric itself when a run lacks the twin)
 *       of this run against the champion's run. improvement = champion − challenger (direction
 *       min) or challenger − champion (max); passes when improvement > 0 and >= margin. No
 *       champion yet: passes.
 *   (b) min_deflated_sharpe: deflated Sharpe >= the minimum, recomputed at the decision from the
 *       run's Sharpe inputs and the trial ledger's count and Sharpe variance then (the value the
 *       run logged counted only the trials that existed when it ran); the logged value when the
 *       run has no inputs. Both go to the version (`wsp.dsr.logged`, `wsp.dsr.decision`). A
 *       missing metric fails.
 *   (c) beats_control: the run's value of the configured metric beats every control run's by
 *       the margin, as in (a) (the best control counts: several shuffles must all lose; the same
 *       rule as the runner's own control check). No control run fails the gate unless
 *       `promotion.beat_control` is false.
 *   (d) run_checks: the runner did not refuse the run (`wsp.gates` is not `refused`: suspected
 *       leakage or no signal). A run without the tag passes.
 * The version is registered in every case and gets the alias `challenger`; when every gate passes
 * it takes `champion` instead (and `challenger` is removed from it). Each gate's value, threshold
 * and verdict go to the version's tags (`gate.<name>`, `gate.<name>.value`,
 * `gate.<name>.threshold`) and, as text, to its description with the holdout window's decision
 * count (`wsp.holdout.decisions`); the run gets
 * `wsp.registered_version`. Promoting a run again re-uses its version and re-evaluates it against
 * the current champion, except when it is the champion itself: its recorded reasons then stay.
 */
import { DSR_LABEL, deflatedSharpe, type SharpeInputs } from "../backtest/sharpeInference";
import {
  countHoldoutDecision,
  describeWindow,
  type HoldoutUse,
  holdoutRefusal,
  holdoutUse,
  holdoutWindowOf,
} from "./holdoutLedger";
import type { MlflowClient } from "./mlflowClient";
import { ERROR_TAG } from "./recorder";
import { findRunLoggedModel, type ModelVersion, ModelRegistry, tagRecord } from "./registry";
import { experimentLedger, ledgerStats } from "./trials";
import type { Run } from "./types";

export const CHAMPION = "champion";
export const CHALLENGER = "challenger";

export type GateName = "beats_champion" | "min_deflated_sharpe" | "beats_control" | "run_checks";

export interface Gate {
  gate: GateName;
  passed: boolean;
  /** The challenger's value (the metric, the DSR, the metric vs the control); NaN when missing. */
  value: number;
  /** What it was compared with (champion + margin, the minimum DSR, the best control). NaN when none. */
  threshold: number;
  detail: string;
}

export interface PromotionResult {
  name: string;
  version: string;
  runId: string;
  model: string;
  metric: string;
  direction: "min" | "max";
  gates: Gate[];
  /** True when this version is now `champion`. */
  champion: boolean;
  /** The champion before this promotion (null when there was none). */
  previousChampion: string | null;
  /** Registered although the run's own checks refused it (`force`). */
  forced: boolean;
  description: string;
}

/** A run `wsp promote` will not register; the message says why and what to do instead. */
export class PromotionRefused extends Error {
  override readonly name = "PromotionRefused";
}

interface PromotionConfig {
  metric: string;
  margin: number;
  minDeflatedSharpe: number;
  dsrBasis: "active" | "absolute" | null;
  beatControl: boolean;
  direction: "min" | "max";
  holdoutReuseLimit: number;
}

function tagsOf(run: Run): Record<string, string> {
  return tagRecord(run.data.tags);
}

function paramsOf(run: Run): Record<string, string> {
  return tagRecord(run.data.params);
}

function metricsOf(run: Run): Map<string, number> {
  return new Map((run.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));
}

/** The first of `keys` the run has as a metric, or NaN. */
function firstMetric(run: Run, keys: string[]): { key: string | null; value: number } {
  const metrics = metricsOf(run);
  for (const k of keys) {
    const v = metrics.get(k);
    if (v !== undefined) return { key: k, value: v };
  }
  return { key: null, value: Number.NaN };
}

/**
 * The metric keys of the deflated Sharpe on `basis`, in the order to try. Runs since the basis
 * exists log `deflated_sharpe_absolute` and `deflated_sharpe_active` (and `deflated_sharpe` on
 * their configured basis); runs recorded before it logged only `deflated_sharpe` (else
 * `backtest.` or `<model>.` prefixed), on absolute returns. That old key stands in for the
 * absolute basis and for an unset one, never for the active basis it was not computed on.
 */
export function dsrKeys(run: Run, model: string, basis: "active" | "absolute" | null): string[] {
  const legacy = ["deflated_sharpe", "backtest.deflated_sharpe", `${model}.deflated_sharpe`];
  if (basis === null) return legacy;
  const before = !metricsOf(run).has("deflated_sharpe_absolute");
  if (!before) return [`deflated_sharpe_${basis}`];
  return basis === "absolute" ? legacy : [];
}

/** Loss-like metrics are lower-is-better. */
export function defaultDirection(metric: string): "min" | "max" {
  return /(loss|error|brier|ece|mse|mae|rmse)$/i.test(metric) ? "min" : "max";
}

function readConfig(run: Run): PromotionConfig {
  const tags = tagsOf(run);
  const params = paramsOf(run);
  const get = (key: string): string | undefined => tags[key] ?? params[key];
  const num = (key: string, dflt: number): number => {
    const raw = get(key);
    if (raw === undefined) return dflt;
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new Error(`run ${run.info.run_id}: ${key} = "${raw}": expected a number`);
    return v;
  };
  const metric = get("promotion.metric") ?? "oos_logloss";
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
  return {
    metric,
    margin: num("promotion.margin", 0),
    minDeflatedSharpe: num("promotion.min_deflated_sharpe", 0.5),
    dsrBasis: basis ?? null,
    beatControl: beat !== "false",
    direction: dir ?? defaultDirection(metric),
    holdoutReuseLimit: num("promotion.holdout_reuse_limit", 5),
  };
}

function fmt(v: number): string {
  return Number.isNaN(v) ? "missing" : String(Number(v.toPrecision(6)));
}

/** How much better `a` is than `b` in the metric's direction (positive: better). */
function improvement(a: number, b: number, direction: "min" | "max"): number {
  return direction === "min" ? b - a : a - b;
}

/**
 * The runner's failed checks from its `gates.json` artifact (`{ checks: [{ name, passed,
 * detail }] }`), as `: signal (OOS AUC … ); …`; empty when the artifact is absent or unreadable.
 */
async function failedRunChecks(client: MlflowClient, runId: string): Promise<string> {
  try {
    const text = new TextDecoder().decode(await client.downloadArtifact(runId, "gates.json"));
    const parsed = JSON.parse(text) as { checks?: { name?: string; passed?: boolean; detail?: string }[] };
    const failed = (parsed.checks ?? []).filter((c) => c.passed === false);
    return failed.length ? `: ${failed.map((c) => `${c.name} (${c.detail})`).join("; ")}` : "";
  } catch {
    // The verdict alone still refuses the run; the details are a courtesy.
    return "";
  }
}

export interface PromoteOptions {
  /** Override of `wsp.model_name` / the experiment name. */
  modelName?: string;
  /** Register a run its own checks refused (tagged as forced; it cannot become champion). */
  force?: boolean;
  /** Accept a run whose config switched the shuffled-label control off. */
  allowNoControl?: boolean;
}

/** Why `run` cannot be promoted whatever its gates say (a child, an unfinished run); null when it can. */
function notPromotable(run: Run, tags: Record<string, string>): string | null {
  const id = run.info.run_id;
  const parent = tags["mlflow.parentRunId"];
  if (parent) {
    return `run ${id} is a child run ("${run.info.run_name ?? ""}") of parent run ${parent}; models are registered from the parent: wsp promote ${parent}`;
  }
  const status = run.info.status;
  if (status === "FAILED") {
    const why = tags[ERROR_TAG] ? `: ${tags[ERROR_TAG].slice(0, 200)}` : "";
    return `run ${id} failed${why}; only a FINISHED run can be promoted (fix the cause and run the experiment again)`;
  }
  if (status === "KILLED") {
    return `run ${id} was killed before it finished (status KILLED); only a FINISHED run can be promoted`;
  }
  if (status !== "FINISHED") {
    return `run ${id} has not finished (status ${status}); promote it once it is FINISHED`;
  }
  return null;
}

interface DsrDecision {
  logged: { key: string | null; value: number; trials: number };
  /** Recomputed with the ledger now; null when the run logged no Sharpe inputs. */
  decision: { value: number; trials: number; sharpeVariance: number } | null;
}

/** The deflated Sharpe as logged and as recomputed now from the run's inputs and the experiment's ledger. */
async function dsrAtDecision(
  client: MlflowClient,
  run: Run,
  cfg: PromotionConfig,
  model: string,
): Promise<DsrDecision> {
  const logged = firstMetric(run, dsrKeys(run, model, cfg.dsrBasis));
  const loggedTrials = firstMetric(run, ["trials"]).value;
  // Runs recorded before the basis existed carry the absolute one.
  const basis = cfg.dsrBasis ?? "absolute";
  const m = metricsOf(run);
  const inputs: SharpeInputs = {
    sr: m.get(`sharpe_inputs.${basis}.sr`) ?? Number.NaN,
    nObs: m.get(`sharpe_inputs.${basis}.n_obs`) ?? Number.NaN,
    skew: m.get(`sharpe_inputs.${basis}.skew`) ?? Number.NaN,
    kurtosis: m.get(`sharpe_inputs.${basis}.kurtosis`) ?? Number.NaN,
  };
  if (!Object.values(inputs).every(Number.isFinite) || !(inputs.nObs > 1)) {
    return { logged: { ...logged, trials: loggedTrials }, decision: null };
  }
  const stats = ledgerStats(experimentLedger(await client.getExperiment(run.info.experiment_id)), inputs.nObs);
  const sharpeVariance = basis === "active" ? stats.activeSharpeVariance : stats.sharpeVariance;
  const { dsr } = deflatedSharpe({ ...inputs, nTrials: stats.count, sharpeVariance });
  return {
    logged: { ...logged, trials: loggedTrials },
    decision: { value: dsr, trials: stats.count, sharpeVariance },
  };
}

/** The reasons as text, one line per gate, for the version's description and the CLI. */
export function describeGates(
  result: Pick<PromotionResult, "gates" | "champion" | "metric" | "direction"> & {
    holdout?: string;
    forced?: string;
  },
): string {
  const head = result.champion
    ? "Promoted to champion: every gate passed."
    : `Kept as challenger: ${result.gates
        .filter((g) => !g.passed)
        .map((g) => g.gate)
        .join(", ")} failed.`;
  const lines = result.gates.map((g) => `- ${g.gate}: ${g.passed ? "PASS" : "FAIL"}: ${g.detail}`);
  // The alias line comes first, where a reader looks for the version's standing and where
  // `moveAlias` rewrites it once the alias leaves; a forced registration says so right below it.
  return [
    head,
    ...(result.forced ? [`FORCED: registered although ${result.forced}.`] : []),
    `Metric ${result.metric} (${result.direction === "min" ? "lower" : "higher"} is better).`,
    ...(result.holdout ? [result.holdout] : []),
    ...lines,
  ].join("\n");
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

/** Evaluates the gates for `runId`, registers its model and moves the aliases by the rules above. */
export async function promoteRun(
  client: MlflowClient,
  runId: string,
  opts: PromoteOptions = {},
): Promise<PromotionResult> {
  const registry = new ModelRegistry(client);
  const run = await client.getRun(runId);
  const tags = tagsOf(run);
  const unfit = notPromotable(run, tags);
  if (unfit) throw new PromotionRefused(unfit);
  const model = tags["wsp.promote_model"];
  if (!model) {
    throw new Error(
      `run ${runId}: tag wsp.promote_model is missing (which model to register: "ensemble" or a model name)`,
    );
  }
  // MLflow 3: the run's logged model of that name, unless wsp.promote_path names a directory of
  // the run's own files (where runs recorded before logged models keep them).
  const logged = tags["wsp.promote_path"]
    ? null
    : await findRunLoggedModel(client, run.info.experiment_id, runId, model);
  const candidates = tags["wsp.promote_path"]
    ? [tags["wsp.promote_path"].replace(/\/+$/, "")]
    : [`model/${model}`, "model"];
  let path: string | null = null;
  for (const dir of logged ? [] : candidates) {
    if ((await client.listArtifacts(runId, dir)).some((f) => f.path === `${dir}/model.json`)) {
      path = dir;
      break;
    }
  }
  if (path === null && !logged) {
    throw new Error(
      `run ${runId}: no model.json in ${candidates.join(" or ")} among its artifacts (tag wsp.promote_path names the directory)`,
    );
  }
  const name = opts.modelName ?? tags["wsp.model_name"] ?? (await client.getExperiment(run.info.experiment_id)).name;
  const cfg = readConfig(run);
  // The run's own refusal (leakage, no signal) and a switched-off control stop it here, before
  // anything is registered.
  const refusedChecks =
    tags["wsp.gates"] === "refused" ? `the runner's checks refused${await failedRunChecks(client, runId)}` : null;
  if (refusedChecks && !opts.force) {
    throw new PromotionRefused(
      `run ${runId} is not registered: ${refusedChecks}. Pass --force to register it anyway (tagged wsp.forced; it cannot become champion)`,
    );
  }
  if (tags["wsp.control"] === "none" && !opts.allowNoControl) {
    throw new PromotionRefused(
      `run ${runId} is not registered: its config switched the shuffled-label control off (controls.shuffled_labels: false, tag wsp.control=none), so nothing shows its score beats chance. Run it with the control, or pass --allow-no-control`,
    );
  }
  const metricKeys = [`${model}.${cfg.metric}`, cfg.metric];
  const mine = firstMetric(run, metricKeys);
  const holdoutMetric = cfg.metric.replace(/^oos_/, "holdout_");
  const holdoutOf = (r: Run, m: string): { key: string | null; value: number } => {
    const h = firstMetric(r, [`${m}.${holdoutMetric}`, holdoutMetric]);
    return h.key ? h : firstMetric(r, [`${m}.${cfg.metric}`, cfg.metric]);
  };
  const mineHoldout = holdoutOf(run, model);
  const mineKey = mineHoldout.key ?? holdoutMetric;

  const registered = await registry.getRegisteredModel(name);
  const modelTags = tagRecord(registered?.tags);
  const window = holdoutWindowOf(tags);
  const holdout: HoldoutUse | null = window ? holdoutUse(modelTags, window, cfg.holdoutReuseLimit) : null;
  const existing = registered ? (await registry.searchModelVersions(name)).find((v) => v.run_id === runId) : undefined;
  const championVersion = registered ? await registry.getAlias(name, CHAMPION) : null;
  const previousChampion = championVersion?.version ?? null;
  const isChampionAlready = existing !== undefined && existing.version === previousChampion;
  // Re-promoting the champion's own run decides nothing, so it does not count against the holdout.
  const holdoutRefused = holdout && !isChampionAlready ? holdoutRefusal(name, holdout) : null;
  if (holdoutRefused) throw new PromotionRefused(`run ${runId} is not registered: ${holdoutRefused}`);
  await registry.getOrCreateRegisteredModel(name);

  const gates: Gate[] = [];
  // (a) against the champion, on the final holdout
  if (!championVersion) {
    gates.push({
      gate: "beats_champion",
      passed: true,
      value: mineHoldout.value,
      threshold: Number.NaN,
      detail: `no champion yet (${mineKey} = ${fmt(mineHoldout.value)})`,
    });
  } else if (existing && championVersion.version === existing.version) {
    gates.push({
      gate: "beats_champion",
      passed: true,
      value: mineHoldout.value,
      threshold: mineHoldout.value,
      detail: `this run is already the champion (version ${existing.version})`,
    });
  } else {
    const champRun = championVersion.run_id ? await client.getRun(championVersion.run_id) : null;
    const champModel = champRun ? (tagsOf(champRun)["wsp.promote_model"] ?? model) : model;
    const theirs = champRun ? holdoutOf(champRun, champModel) : { key: null, value: Number.NaN };
    const gain = improvement(mineHoldout.value, theirs.value, cfg.direction);
    const threshold = cfg.direction === "min" ? theirs.value - cfg.margin : theirs.value + cfg.margin;
    const passed = Number.isFinite(gain) && gain > 0 && gain >= cfg.margin;
    gates.push({
      gate: "beats_champion",
      passed,
      value: mineHoldout.value,
      threshold,
      detail: `${mineKey} ${fmt(mineHoldout.value)} vs champion v${championVersion.version} ${theirs.key ?? "(missing)"} ${fmt(theirs.value)}, margin ${cfg.margin}: needs ${cfg.direction === "min" ? "<=" : ">="} ${fmt(threshold)} and strictly better`,
    });
  }
  // (b) deflated Sharpe, with the trials the experiment holds now
  const dsr = await dsrAtDecision(client, run, cfg, model);
  const dsrValue = dsr.decision ? dsr.decision.value : dsr.logged.value;
  const trialsText = (n: number) => (Number.isFinite(n) ? `${n} trial${n === 1 ? "" : "s"}` : "trials unknown");
  gates.push({
    gate: "min_deflated_sharpe",
    passed: Number.isFinite(dsrValue) && dsrValue >= cfg.minDeflatedSharpe,
    value: dsrValue,
    threshold: cfg.minDeflatedSharpe,
    detail: dsr.decision
      ? `${DSR_LABEL}${cfg.dsrBasis ? ` (${cfg.dsrBasis} returns)` : ""} ${fmt(dsr.decision.value)} now (ledger: ${trialsText(dsr.decision.trials)}, Sharpe variance ${fmt(dsr.decision.sharpeVariance)}; logged ${fmt(dsr.logged.value)} with ${trialsText(dsr.logged.trials)}) needs >= ${cfg.minDeflatedSharpe}`
      : `${DSR_LABEL}${cfg.dsrBasis ? ` (${cfg.dsrBasis} returns)` : ""} ${fmt(dsr.logged.value)} as logged (the run records no Sharpe inputs to recompute it) needs >= ${cfg.minDeflatedSharpe}`,
  });
  // (c) the shuffled-label control
  if (!cfg.beatControl) {
    gates.push({
      gate: "beats_control",
      passed: true,
      value: mine.value,
      threshold: Number.NaN,
      detail: "disabled (promotion.beat_control = false)",
    });
  } else {
    const children = await client.searchAllRuns({
      experimentIds: [run.info.experiment_id],
      filter: `tags.\`mlflow.parentRunId\` = '${runId}'`,
    });
    const controls = children.filter((c) => {
      const t = tagsOf(c);
      return t["wsp.role"] === "control" || t["wsp.control"] !== undefined || c.info.run_name === "control";
    });
    const values = controls.map((c) => firstMetric(c, metricKeys).value).filter((v) => !Number.isNaN(v));
    if (values.length === 0) {
      gates.push({
        gate: "beats_control",
        passed: false,
        value: mine.value,
        threshold: Number.NaN,
        detail:
          controls.length === 0
            ? "no control run (a child tagged wsp.role=control or named control)"
            : `control run has no ${cfg.metric}`,
      });
    } else {
      const best = values.reduce((a, b) => (improvement(b, a, cfg.direction) > 0 ? b : a));
      const gain = improvement(mine.value, best, cfg.direction);
      gates.push({
        gate: "beats_control",
        passed: Number.isFinite(gain) && gain > 0 && gain >= cfg.margin,
        value: mine.value,
        threshold: cfg.direction === "min" ? best - cfg.margin : best + cfg.margin,
        detail: `${cfg.metric} ${fmt(mine.value)} vs shuffled-label control ${fmt(best)}, margin ${cfg.margin}: needs a strict gain >= the margin`,
      });
    }
  }

  // (d) the runner's own checks
  const verdict = tags["wsp.gates"];
  gates.push({
    gate: "run_checks",
    passed: verdict !== "refused",
    value: verdict === "refused" ? 0 : 1,
    threshold: 1,
    detail:
      verdict === undefined
        ? "the run carries no wsp.gates verdict"
        : (refusedChecks ?? `the runner's checks ${verdict}`),
  });

  const champion = gates.every((g) => g.passed);
  const decisions = holdout ? holdout.served + 1 : null;
  const partial = {
    gates,
    champion,
    metric: cfg.metric,
    direction: cfg.direction,
    holdout: holdout
      ? `Final holdout ${describeWindow(holdout.window)}: promotion decision ${decisions} of at most ${holdout.limit} it may serve for ${name}.`
      : "Final holdout: the run records no window (wsp.holdout.start/end), so its reuse is not counted.",
    forced: refusedChecks ?? undefined,
  };
  const description = describeGates(partial);
  const versionTags: Record<string, string> = {
    "wsp.promote_model": model,
    "wsp.run_id": runId,
    "wsp.metric": cfg.metric,
    [`wsp.metric.${cfg.metric}`]: fmt(mine.value),
    [`wsp.metric.${holdoutMetric}`]: fmt(mineHoldout.value),
    "wsp.verdict": champion ? CHAMPION : CHALLENGER,
    "wsp.evaluated_against": previousChampion ?? "none",
    "wsp.dsr.logged": fmt(dsr.logged.value),
    "wsp.dsr.logged_trials": fmt(dsr.logged.trials),
    "wsp.dsr.decision": dsr.decision ? fmt(dsr.decision.value) : "none",
    "wsp.dsr.decision_trials": dsr.decision ? String(dsr.decision.trials) : "none",
  };
  if (holdout && decisions !== null) {
    versionTags["wsp.holdout.window"] = describeWindow(holdout.window);
    versionTags["wsp.holdout.decisions"] = String(decisions);
  }
  if (refusedChecks) {
    versionTags["wsp.forced"] = "true";
    versionTags["wsp.forced.reason"] = refusedChecks.slice(0, 5000);
  }
  for (const g of gates) {
    versionTags[`gate.${g.gate}`] = g.passed ? "pass" : "fail";
    versionTags[`gate.${g.gate}.value`] = fmt(g.value);
    versionTags[`gate.${g.gate}.threshold`] = Number.isNaN(g.threshold) ? "none" : fmt(g.threshold);
  }
  const base = {
    name,
    runId,
    model,
    metric: cfg.metric,
    direction: cfg.direction,
    gates,
    champion,
    previousChampion,
    forced: refusedChecks !== null,
  };
  if (existing && isChampionAlready) {
    // Already the champion, and it stays so (nothing is decided): its tags and description keep
    // the evaluation that made it champion; `gates` shows how it would fare now.
    const current = await registry.getModelVersion(name, existing.version);
    return { ...base, champion: true, version: existing.version, description: current?.description ?? description };
  }
  let version: ModelVersion;
  if (existing) {
    version = existing;
    await registry.setModelVersionTags(name, version.version, versionTags);
  } else {
    version = await registry.createModelVersion({
      name,
      ...(logged
        ? { source: `models:/${logged.info.model_id}`, modelId: logged.info.model_id }
        : { source: `${run.info.artifact_uri.replace(/\/+$/, "")}/${path}` }),
      runId,
      tags: versionTags,
      description,
    });
  }
  await registry.setModelVersionDescription(name, version.version, description);
  if (holdout) await countHoldoutDecision(registry, name, modelTags, holdout.window, runId);
  if (champion) {
    await moveAlias(registry, name, CHAMPION, version.version);
    const challenger = await registry.getAlias(name, CHALLENGER);
    if (challenger?.version === version.version) await registry.deleteAlias(name, CHALLENGER);
  } else {
    await moveAlias(registry, name, CHALLENGER, version.version);
  }
  await client.setTag(runId, "wsp.registered_version", `${name}/${version.version}`);
  return { ...base, version: version.version, description };
}
