/**
 * The feedback loop's step (issue 18; docs/architecture.md, "Outcomes of served signals"):
 * every stored signal without an outcome is judged against the bars stored since. Per model
 * version: the run's config read back (as the forecast service does), the version's tickers
 * loaded by the run's own data phase from the store, labelled by the labels phase's own call,
 * and the signals whose horizon has passed given their outcome (signalOutcomes.ts). Then each
 * version's live metrics over its last 100 outcomes. Idempotent: a signal with an outcome is
 * never looked at again, and the store keeps the first outcome of a signal should two
 * evaluations race.
 */
import { type BaselineFigures, type LiveMetrics, type LiveOutcome, liveMetrics } from "../../monitoring";
import type { SignalOutcome, SignalRecord, Store } from "../../store";
import { type MlflowClient, ModelRegistry } from "../../tracking";
import type { LoadedConfig } from "../config";
import { servingConfig } from "../forecast/modelMarket";
import { classNamesOf } from "../forecast/servedModel";
import { readModelConfig } from "../modelConfig";
import { barrierRegimes } from "../barrierRegimes";
import { tickerLabels } from "../phases/buildLabels";
import { runPhases } from "../runExperiment";
import { storeQuery } from "../storeSource";
import { type LabelledBars, type UnmatchedSignal, versionOutcomes } from "./signalOutcomes";

export interface EvaluateOptions {
  readonly store: Store;
  readonly client: MlflowClient;
  /** A registered model's name; default: every model with signals to evaluate. */
  readonly model?: string;
  /** The time outcomes are stamped with (default: now); maturity is read off the stored bars. */
  readonly now?: number;
  /** Where `universe: bundled` is read, as for the forecast service. */
  readonly dataDir?: string;
  /** Told after each model version, evaluated or skipped, with the number of versions (a job's progress). */
  readonly onVersion?: (done: number, total: number) => void;
}

export interface VersionEvaluation {
  readonly model: string;
  readonly version: string;
  /** Signals without an outcome before this evaluation. */
  readonly examined: number;
  /** Outcomes stored by this evaluation. */
  readonly stored: number;
  /** Signals whose horizon has not passed in the stored bars yet. */
  readonly pending: number;
  readonly unmatched: readonly UnmatchedSignal[];
  /** Over the version's last 100 labelled outcomes, beside the run's out-of-sample figures. */
  readonly metrics: LiveMetrics;
}

/** A version whose signals could not be evaluated this time (they stay without outcomes). */
export interface SkippedVersion {
  readonly model: string;
  readonly version: string;
  readonly signals: number;
  readonly reason: string;
}

export interface Evaluation {
  readonly evaluatedAt: number;
  readonly stored: number;
  readonly versions: readonly VersionEvaluation[];
  readonly skipped: readonly SkippedVersion[];
}

/** Signals fetched per store read. */
const PAGE = 1000;

async function unevaluatedByVersion(store: Store, model: string | undefined): Promise<Map<string, SignalRecord[]>> {
  const groups = new Map<string, SignalRecord[]>();
  let afterId = 0;
  for (;;) {
    const page = await store.unevaluatedSignals({ model, afterId, limit: PAGE });
    for (const s of page) {
      const key = JSON.stringify([s.modelName, s.modelVersion]);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [s]);
      else group.push(s);
    }
    if (page.length < PAGE) return groups;
    afterId = page[page.length - 1].id;
  }
}

export interface VersionContext {
  readonly loaded: LoadedConfig;
  readonly runId: string;
}

/** The version's run config and run id, or why it cannot be monitored. */
export async function versionContext(
  client: MlflowClient,
  name: string,
  version: string,
): Promise<VersionContext | string> {
  const mv = await new ModelRegistry(client).getModelVersion(name, version);
  if (mv === null) return `${name}/${version} is not in the model registry`;
  if (!mv.run_id) return `${name}/${version} names no run to read its config from`;
  const loaded = await readModelConfig(client, { name, version, runId: mv.run_id });
  if (loaded.config.labels.kind === "meta") return `${name}/${version} is a meta-label model, which is not served`;
  return { loaded, runId: mv.run_id };
}

/** The version's tickers as its run's data phase loads them from the store, and their labels. */
async function labelledBars(ctx: VersionContext, store: Store, dataDir?: string): Promise<Map<string, LabelledBars>> {
  const served = servingConfig(ctx.loaded);
  const labels = served.config.labels;
  const regimes =
    labels.kind !== "fixed_horizon" && labels.barriers.scale === "regime" ? labels.barriers.regimes : undefined;
  // Only the traded tickers are labelled: the context series (VIX) are needed only by grid12 barriers.
  const context = regimes === "grid12" ? served.config.data.context : [];
  const loaded = { ...served, config: { ...served.config, data: { ...served.config.data, context } } };
  const { data } = await runPhases(loaded, "data", { progress: false, dataDir, fromStore: storeQuery(store) });
  const regime = regimes ? barrierRegimes(regimes, loaded.config, data.tickerBars, data.context, dataDir) : null;
  return new Map(
    data.tickerBars.map((bars, k) => [
      bars.ticker,
      { bars, labels: tickerLabels(labels, bars, { regime: regime?.[k] }) },
    ]),
  );
}

/** The run's out-of-sample accuracy and ECE (the selected variant's, as the run logs them); it logs no Brier. */
export async function baselineOf(client: MlflowClient, runId: string): Promise<BaselineFigures> {
  const run = await client.getRun(runId);
  const metrics = new Map((run.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));
  const read = (key: string) => {
    const v = metrics.get(key);
    return v === undefined || !Number.isFinite(v) ? null : v;
  };
  return { accuracy: read("oos_accuracy"), ece: read("oos_ece"), brier: null };
}

/** The labelled outcomes as the metrics read them (recentOutcomes gives labelled ones only, by default). */
export function liveOutcomes(outcomes: readonly SignalOutcome[]): LiveOutcome[] {
  return outcomes.flatMap((o) => (o.realized === null ? [] : [{ ...o, realizedClass: o.realized.className }]));
}

export async function evaluateSignals(opts: EvaluateOptions): Promise<Evaluation> {
  const { store, client } = opts;
  const evaluatedAt = opts.now ?? Date.now();
  const versions: VersionEvaluation[] = [];
  const skipped: SkippedVersion[] = [];
  const groups = await unevaluatedByVersion(store, opts.model);
  // Nothing to evaluate is all done at once.
  if (groups.size === 0) opts.onVersion?.(0, 0);
  for (const [key, signals] of groups) {
    const [model, version] = JSON.parse(key) as [string, string];
    const ctx = await versionContext(client, model, version);
    if (typeof ctx === "string") {
      skipped.push({ model, version, signals: signals.length, reason: ctx });
      opts.onVersion?.(versions.length + skipped.length, groups.size);
      continue;
    }
    const { config } = ctx.loaded;
    const classes = classNamesOf(config);
    const judged = versionOutcomes(
      signals,
      await labelledBars(ctx, store, opts.dataDir),
      { horizon: config.labels.horizon, classes },
      evaluatedAt,
    );
    const stored = await store.recordOutcomes(judged.outcomes);
    const recent = await store.recentOutcomes({ model, version });
    versions.push({
      model,
      version,
      examined: signals.length,
      stored,
      pending: judged.pending,
      unmatched: judged.unmatched,
      metrics: liveMetrics(liveOutcomes(recent), { classes, baseline: await baselineOf(client, ctx.runId) }),
    });
    opts.onVersion?.(versions.length + skipped.length, groups.size);
  }
  return { evaluatedAt, stored: versions.reduce((sum, v) => sum + v.stored, 0), versions, skipped };
}
