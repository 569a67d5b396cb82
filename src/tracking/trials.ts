/**
 * The trial ledger of an MLflow experiment: the N and the Sharpe dispersion of the deflated
 * Sharpe ratio. A trial is one distinct model variant evaluated out of sample: its id hashes the
 * experiment config (less what does not change the variant: see `trialConfigHash` in
 * src/pipeline/config.ts), the data's content hash and the variant's name (gbm, rf, logistic,
 * ensemble, a sweep variant's id). Rerunning an identical config evaluates no new variant, so it
 * must add nothing; a shuffled-label control is not a trial and is never recorded.
 *
 * Storage: one experiment tag per trial, `wsp.trial.<id>` = JSON `{variant, sharpe,
 * active_sharpe, n_obs}` (per-period Sharpes of the out-of-sample returns, absolute and against
 * the benchmark). Every writer sets only the keys of its own trials and never reads-modifies-
 * writes a shared value, so concurrent runs and sweeps lose nothing, and a rerun or an outbox
 * replay rewrites the same keys with the same values (idempotent). The ledger is the set of these
 * tags; `wsp.trials` repeats its size for the MLflow UI (re-checked after writing, so it only
 * lags while writers keep racing; readers always count the tags).
 */
import { createHash } from "node:crypto";
import { variance } from "../backtest";
import type { MlflowClient } from "./mlflowClient";
import type { Experiment } from "./types";

export const TRIALS_TAG = "wsp.trials";
export const TRIAL_PREFIX = "wsp.trial.";

/** One trial's out-of-sample result, what the deflated Sharpe needs of it. */
export interface TrialRecord {
  variant: string;
  /** Per-period Sharpe of the variant's out-of-sample returns; NaN when undefined (no variance). */
  sharpe: number;
  /** The same on active returns (strategy minus beta times the benchmark); NaN without a benchmark. */
  activeSharpe: number;
  /** Returns behind the Sharpes. */
  nObs: number;
}

/** A trial as written to the ledger: its tag key and JSON value. */
export interface TrialEntry {
  key: string;
  value: string;
}

/** The ledger as read: tag key → trial. */
export type TrialLedger = Map<string, TrialRecord>;

/** `wsp.trial.<id>`: the id is the first 24 hex digits of sha256(config hash, data hash, variant). */
export function trialKey(configHash: string, dataHash: string, variant: string): string {
  const id = createHash("sha256").update(`${configHash}\n${dataHash}\n${variant}`).digest("hex").slice(0, 24);
  return `${TRIAL_PREFIX}${id}`;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function trialEntry(key: string, t: TrialRecord): TrialEntry {
  return {
    key,
    value: JSON.stringify({
      variant: t.variant,
      sharpe: finiteOrNull(t.sharpe),
      active_sharpe: finiteOrNull(t.activeSharpe),
      n_obs: t.nObs,
    }),
  };
}

/** A ledger tag's value as a trial; null when it is not one (a foreign or torn value). */
export function parseTrial(value: string): TrialRecord | null {
  try {
    const j = JSON.parse(value) as { variant?: unknown; sharpe?: unknown; active_sharpe?: unknown; n_obs?: unknown };
    if (typeof j.variant !== "string" || typeof j.n_obs !== "number") return null;
    const num = (v: unknown) => (typeof v === "number" ? v : Number.NaN);
    return { variant: j.variant, sharpe: num(j.sharpe), activeSharpe: num(j.active_sharpe), nObs: j.n_obs };
  } catch {
    return null;
  }
}

/** The trials among `tags` (an experiment's tags, or the recorder's cached copy of them). */
export function ledgerOf(tags: Iterable<{ key: string; value: string }>): TrialLedger {
  const out: TrialLedger = new Map();
  for (const t of tags) {
    if (!t.key.startsWith(TRIAL_PREFIX)) continue;
    const trial = parseTrial(t.value);
    if (trial) out.set(t.key, trial);
  }
  return out;
}

export function experimentLedger(experiment: Experiment): TrialLedger {
  return ledgerOf(experiment.tags ?? []);
}

/** The deflated Sharpe's trial inputs: how many trials, and the variance of their per-period Sharpes per basis. */
export interface LedgerStats {
  count: number;
  sharpeVariance: number;
  activeSharpeVariance: number;
}

/**
 * The ledger's count and Sharpe variances. With fewer than two defined Sharpes the variance is
 * the null's sampling variance 1/nObs of the run being judged; it is floored at 1e-12 (identical
 * Sharpes would make the expected maximum 0 whatever the count).
 */
export function ledgerStats(ledger: TrialLedger, nObs: number): LedgerStats {
  const dispersion = (values: number[]): number => {
    const defined = values.filter(Number.isFinite);
    const v = defined.length >= 2 ? variance(Float64Array.from(defined)) : 1 / nObs;
    return Math.max(v, 1e-12);
  };
  const trials = [...ledger.values()];
  return {
    count: Math.max(trials.length, 1),
    sharpeVariance: dispersion(trials.map((t) => t.sharpe)),
    activeSharpeVariance: dispersion(trials.map((t) => t.activeSharpe)),
  };
}

/** The ledger of the experiment named `experiment` (empty when it does not exist). */
export async function readLedger(client: MlflowClient, experiment: string): Promise<TrialLedger> {
  const exp = await client.getExperimentByName(experiment);
  return exp ? experimentLedger(exp) : new Map();
}

/** How many distinct trials the experiment named `experiment` holds (0 when it does not exist). */
export async function trialCount(client: MlflowClient, experiment: string): Promise<number> {
  return (await readLedger(client, experiment)).size;
}

/**
 * Writes `entries` to the experiment's ledger (creating the experiment when missing), refreshes
 * `wsp.trials` and returns the ledger as it now stands.
 */
export async function writeTrials(
  client: MlflowClient,
  experiment: string,
  entries: readonly TrialEntry[],
): Promise<{ experiment: Experiment; ledger: TrialLedger }> {
  const id = (await client.getOrCreateExperiment(experiment)).experiment_id;
  for (const e of entries) {
    if (!e.key.startsWith(TRIAL_PREFIX)) throw new Error(`trial key "${e.key}": expected ${TRIAL_PREFIX}<id>`);
    await client.setExperimentTag(id, e.key, e.value);
  }
  let exp = await client.getExperiment(id);
  let count = experimentLedger(exp).size;
  for (let i = 0; i < 3; i++) {
    await client.setExperimentTag(id, TRIALS_TAG, String(count));
    exp = await client.getExperiment(id);
    const after = experimentLedger(exp).size;
    if (after === count) break;
    count = after;
  }
  return { experiment: exp, ledger: experimentLedger(exp) };
}
