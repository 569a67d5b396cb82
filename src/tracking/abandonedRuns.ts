/**
 * Runs whose recording process died without ending them (a `wsp run` killed with -9, a machine
 * that lost power): MLflow shows them RUNNING for ever, and their outbox directory stays locked
 * by a pid that no longer exists. Every run the recorder starts carries `wsp.pid` and `wsp.host`,
 * so a run that is RUNNING, was recorded on this host and whose pid is dead is abandoned: it is
 * ended KILLED (MLflow's status for a run stopped from outside, with an end time, which every
 * later reader sees) and tagged `wsp.error` with why. Stale outbox locks of dead processes on
 * this host are cleared, so `wsp mlflow sync` can replay what those runs left there. Runs of
 * other hosts are left alone: their pids cannot be checked from here.
 *
 * `wsp mlflow status` sweeps every experiment; `wsp run` sweeps only the experiment it records
 * into, so a run neither pays a search per hundred experiments on a large server nor ends (and
 * reports) another experiment's runs before the sweep its owner asked for reports them.
 */
import { hostname } from "node:os";
import type { MlflowClient } from "./mlflowClient";
import { isAlive, listOutboxRuns } from "./outbox";
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
}

/** Experiment ids per search request (MLflow takes a list; kept short for the SQL it becomes). */
const CHUNK = 100;

/**
 * Finds the abandoned runs of this host on the server (in `experimentIds`, default every
 * experiment) and in `outboxDir`, and ends / unlocks them.
 */
export async function endAbandonedRuns(
  client: MlflowClient,
  outboxDir: string,
  experimentIds?: readonly string[],
): Promise<AbandonedSweep> {
  const host = hostname();
  const ids = experimentIds ?? (await client.searchExperiments()).map((e) => e.experiment_id);
  const killed: AbandonedRun[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const runs = await client.searchAllRuns({
      experimentIds: ids.slice(i, i + CHUNK),
      filter: `attributes.status = 'RUNNING' AND tags.\`${HOST_TAG}\` = '${host.replace(/'/g, "\\'")}'`,
    });
    for (const run of runs) {
      const pid = Number(tagRecord(run.data.tags)[PID_TAG]);
      if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
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
  const unlocked = listOutboxRuns(outboxDir)
    .filter((r) => r.clearStaleLock())
    .map((r) => r.localId);
  return { killed, unlocked };
}

/** One line per run ended or unlocked, for the CLI. */
export function describeAbandoned(s: AbandonedSweep): string[] {
  return [
    ...s.killed.map(
      (r) =>
        `ended abandoned run ${r.runId} (${r.runName || "unnamed"}, experiment ${r.experimentId}) as KILLED: its process ${r.pid} is gone`,
    ),
    ...s.unlocked.map((id) => `cleared the stale outbox lock of ${id}; \`wsp mlflow sync\` replays it`),
  ];
}
