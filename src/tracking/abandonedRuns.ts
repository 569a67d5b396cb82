/**
 * Runs whose recording process died without ending them (a `wsp run` killed with -9, a machine
 * that lost power): MLflow shows them RUNNING for ever, and their outbox directory stays locked
 * by a pid that no longer exists. Every run the recorder starts carries `wsp.pid` and `wsp.host`,
 * so a run that is RUNNING, was recorded on this host and whose pid is dead (or now names a
 * process that started after the run did: the number was reused) is abandoned: it is
 * ended KILLED (MLflow's status for a run stopped from outside, with an end time, which every
 * later reader sees) and tagged `wsp.error` with why. Stale outbox locks of dead processes on
 * this host are cleared, so `wsp mlflow sync` can replay what those runs left there. Runs of
 * other hosts are left alone: their pids cannot be checked from here.
 *
 * The recorded pid is the process that started the run, not necessarily the one still writing
 * it: a run recorded while MLflow was down reaches the server through `wsp mlflow sync`, which
 * creates it RUNNING with its writer's (exited) pid and ends it as the outbox says. So a run
 * whose outbox directory here is locked by a live process (a replay under way), or whose outbox
 * log already holds its end (it finished; only the sync is pending), is not abandoned: the
 * outbox settles it.
 *
 * `wsp mlflow status` sweeps every experiment; `wsp run` sweeps only the experiment it records
 * into, so a run neither pays a search per hundred experiments on a large server nor ends (and
 * reports) another experiment's runs before the sweep its owner asked for reports them.
 */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { MlflowClient } from "./mlflowClient";
import { MlflowError } from "./mlflowError";
import { aliveSince, listOutboxRuns, OutboxRun } from "./outbox";
import { LOCAL_RUN_ID_TAG } from "./outboxReplay";
import { ERROR_TAG, HOST_TAG, PID_TAG } from "./recorder";
import { tagRecord } from "./registry";

export interface AbandonedRun {
  runId: string;
  runName: string;
  experimentId: string;
  pid: number;
}

export interface AbandonedSweep {
  /** Server runs ended KILLED. */
  killed: AbandonedRun[];
  /** Outbox runs (local ids) whose stale lock was removed; `wsp mlflow sync` replays them. */
  unlocked: string[];
  /**
   * Why the server could not be searched or updated (the sweep stopped there); null when it was.
   * The sweep is housekeeping: a server that fails it must not stop the `wsp run` that called it.
   */
  error: string | null;
}

/** Experiment ids per search request (MLflow takes a list; kept short for the SQL it becomes). */
const CHUNK = 100;

/** Whether the run's outbox directory in `outboxDir` is being replayed by a live process or holds the run's end. */
function settledByOutbox(outboxDir: string, localId: string | undefined): boolean {
  if (!localId || !/^[\w-]+$/.test(localId)) return false;
  const run = new OutboxRun(join(outboxDir, localId));
  if (!existsSync(run.entriesPath)) return false;
  if (run.lockHolder() !== null && !run.hasStaleLock()) return true;
  try {
    return run.entries().at(-1)?.op === "end";
  } catch {
    // A corrupt log: `wsp mlflow sync` reports it; the server run is abandoned all the same.
    return false;
  }
}

/**
 * Finds the abandoned runs of this host on the server (in `experimentIds`, default every
 * experiment) and in `outboxDir`, and ends / unlocks them.
 */
export async function endAbandonedRuns(
  client: MlflowClient,
  outboxDir: string,
  experimentIds?: readonly string[],
): Promise<AbandonedSweep> {
  const killed: AbandonedRun[] = [];
  let error: string | null = null;
  try {
    await endAbandonedServerRuns(client, outboxDir, killed, experimentIds);
  } catch (err) {
    if (!(err instanceof MlflowError)) throw err;
    error = err.message;
  }
  const unlocked = listOutboxRuns(outboxDir)
    .filter((r) => r.clearStaleLock())
    .map((r) => r.localId);
  return { killed, unlocked, error };
}

/** Ends KILLED the abandoned runs of this host on the server, appending each to `killed`. */
async function endAbandonedServerRuns(
  client: MlflowClient,
  outboxDir: string,
  killed: AbandonedRun[],
  experimentIds: readonly string[] | undefined,
): Promise<void> {
  const host = hostname();
  const ids = experimentIds ?? (await client.searchExperiments()).map((e) => e.experiment_id);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const runs = await client.searchAllRuns({
      experimentIds: ids.slice(i, i + CHUNK),
      filter: `attributes.status = 'RUNNING' AND tags.\`${HOST_TAG}\` = '${host.replace(/'/g, "\\'")}'`,
    });
    for (const run of runs) {
      const tags = tagRecord(run.data.tags);
      const pid = Number(tags[PID_TAG]);
      if (!Number.isInteger(pid) || aliveSince(pid, Number(run.info.start_time))) continue;
      if (settledByOutbox(outboxDir, tags[LOCAL_RUN_ID_TAG])) continue;
      await client.setTag(
        run.info.run_id,
        ERROR_TAG,
        `abandoned: process ${pid} on ${host} exited without ending the run; ended KILLED`,
      );
      await client.updateRun(run.info.run_id, { status: "KILLED", endTime: Date.now() });
      killed.push({
        runId: run.info.run_id,
        runName: run.info.run_name ?? "",
        experimentId: run.info.experiment_id,
        pid,
      });
    }
  }
}

/** One line per run ended or unlocked, for the CLI. */
export function describeAbandoned(s: AbandonedSweep): string[] {
  return [
    ...s.killed.map(
      (r) =>
        `ended abandoned run ${r.runId} (${r.runName || "unnamed"}, experiment ${r.experimentId}) as KILLED: its process ${r.pid} is gone`,
    ),
    ...s.unlocked.map((id) => `cleared the stale outbox lock of ${id}; \`wsp mlflow sync\` replays it`),
    ...(s.error === null ? [] : [`could not look for abandoned runs on the server: ${s.error}`]),
  ];
}
