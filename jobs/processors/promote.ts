/**
 * `promote`: the one promotion policy on a parent run, the same call as `wsp promote`
 * (pipeline/promote.ts). A refusal (a child run, an unfinished one, a used-up holdout, …) fails
 * the job at once with its reason; the gates' verdict is the result.
 */
import { promotedDir, promoteRun } from "../../src/pipeline";
import { trackingUri } from "../../src/services";
import { MlflowClient } from "../../src/tracking";
import { announceModelChange } from "../announce";
import { failFastOnInput, note, payloadOf, sandboxed } from "../processorKit";
import { scheduleChampion } from "../promotionSchedule";

export default sandboxed(async (job) => {
  const { runId, ...opts } = payloadOf("promote", job);
  const client = new MlflowClient({ trackingUri: trackingUri(), retries: 3, backoffMs: 200 });
  // The verdict as JSON: each gate's value, threshold and detail (a missing value, NaN, becomes null).
  const r = await failFastOnInput(() => promoteRun(client, runId, { ...opts, promotedDir: promotedDir() }));
  // Every decision moves an alias (challenger or champion): forecast services on the worker's Redis and prefix hear it.
  const announcement = await announceModelChange(r.name);
  note(job, announcement.line);
  // A champion's promoted config gets its retrain and forecast schedulers there too (worker.ts).
  return {
    ...r,
    schedule: r.promotedConfig ? await scheduleChampion(r.promotedConfig) : null,
    announced: announcement.announced,
  };
});
