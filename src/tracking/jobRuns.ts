/**
 * The runs of a queued job, found by their tag `wsp.job_id` (the job's content key): the durable
 * record of what a job did, since job records are removed after completion. A job that starts
 * looks here first: a FINISHED run means the work is done (return it); a RUNNING run means an
 * earlier attempt of this same job died or stalled (BullMQ runs one attempt of a job id at a
 * time, so a RUNNING run with its key is abandoned by definition, on any host): it is ended
 * KILLED, with why, before the job runs again.
 */
import type { MlflowClient } from "./mlflowClient";
import { ERROR_TAG } from "./recorder";
import type { Run } from "./types";

export const JOB_ID_TAG = "wsp.job_id";

/** Runs tagged with `jobId` in the experiment(s), newest first (deleted runs excluded). */
export async function jobRunsOf(
  client: MlflowClient,
  experimentIds: string | readonly string[],
  jobId: string,
): Promise<Run[]> {
  return client.searchAllRuns({
    experimentIds: typeof experimentIds === "string" ? [experimentIds] : [...experimentIds],
    filter: `tags.\`${JOB_ID_TAG}\` = '${jobId.replace(/'/g, "\\'")}'`,
    orderBy: ["attributes.start_time DESC"],
  });
}

/** Ends KILLED the RUNNING runs among `runs` (an earlier attempt of the job); returns their ids. */
export async function endAbandonedJobRuns(
  client: MlflowClient,
  runs: readonly Run[],
  jobId: string,
): Promise<string[]> {
  const killed: string[] = [];
  for (const run of runs.filter((r) => r.info.status === "RUNNING")) {
    await client.setTag(
      run.info.run_id,
      ERROR_TAG,
      `abandoned: job ${jobId} started again (its worker died or stalled); ended KILLED`,
    );
    await client.updateRun(run.info.run_id, { status: "KILLED", endTime: Date.now() });
    killed.push(run.info.run_id);
  }
  return killed;
}

/**
 * The ids among the job's `runs` that were ended KILLED as abandoned: by this attempt, by an
 * earlier attempt that then failed itself (leaving this one nothing RUNNING to end), or by the
 * replay of the dead attempt's outbox log (which restates the reason in its own words).
 */
export function abandonedJobRunIds(runs: readonly Run[]): string[] {
  return runs
    .filter(
      (r) =>
        r.info.status === "KILLED" &&
        r.data.tags?.some((t) => t.key === ERROR_TAG && t.value.startsWith("abandoned: ")),
    )
    .map((r) => r.info.run_id);
}
