/**
 * Trial accounting: how many variants were tried in an MLflow experiment, the N of the deflated
 * Sharpe ratio and of PBO. Kept on the experiment as tags.
 *
 * A single counter tag updated by read-modify-write would lose increments when two runs (or a
 * sweep's workers) record at the same time: both read 10, both write 11. Instead every recorder
 * owns one tag of its own, `wsp.trials.<token>` (the run's local id, or a fresh id per sweep
 * call), holding the absolute number of trials it has tried. Nobody else writes that key, so no
 * write is lost, and rewriting it with the same value (an outbox replay) changes nothing. The
 * experiment's total is the sum of these tags. `wsp.trials` holds that sum as well, for the
 * MLflow UI: it is re-checked after writing and rewritten while the sum moved, so it only stays
 * behind when writers keep racing; `trialCount` always sums the per-owner tags.
 */
import { randomUUID } from "node:crypto";
import type { MlflowClient } from "./mlflowClient";
import type { Experiment } from "./types";

export const TRIALS_TAG = "wsp.trials";
const OWNER_PREFIX = `${TRIALS_TAG}.`;

export function trialsOwnerTag(token: string): string {
  return `${OWNER_PREFIX}${token}`;
}

/** The sum of the experiment's per-owner trial tags. */
export function trialsOf(experiment: Experiment): number {
  let total = 0;
  for (const t of experiment.tags ?? []) {
    if (!t.key.startsWith(OWNER_PREFIX)) continue;
    const n = Number(t.value);
    if (Number.isFinite(n)) total += n;
  }
  return total;
}

/** Total trials recorded in the experiment named `experiment` (0 when it does not exist). */
export async function trialCount(client: MlflowClient, experiment: string): Promise<number> {
  const exp = await client.getExperimentByName(experiment);
  return exp ? trialsOf(exp) : 0;
}

/**
 * Writes the owner's absolute trial count, refreshes `wsp.trials` and returns the experiment's
 * new total. `ownerCount` is the owner's cumulative count, not an increment (idempotent).
 */
export async function setOwnerTrials(
  client: MlflowClient,
  experiment: string,
  token: string,
  ownerCount: number,
): Promise<number> {
  const exp = await client.getOrCreateExperiment(experiment);
  await client.setExperimentTag(exp.experiment_id, trialsOwnerTag(token), String(ownerCount));
  let total = trialsOf(await client.getExperiment(exp.experiment_id));
  for (let i = 0; i < 3; i++) {
    await client.setExperimentTag(exp.experiment_id, TRIALS_TAG, String(total));
    const after = trialsOf(await client.getExperiment(exp.experiment_id));
    if (after === total) break;
    total = after;
  }
  return total;
}

/**
 * Adds `n` trials to the experiment (created when missing) and returns its new total. Each call
 * is its own owner, so concurrent calls never lose each other's trials.
 */
export async function recordTrials(client: MlflowClient, experiment: string, n: number): Promise<number> {
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`recordTrials(${experiment}): n must be an integer >= 0, got ${n}`);
  return setOwnerTrials(client, experiment, randomUUID().replace(/-/g, ""), n);
}
