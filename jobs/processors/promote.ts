/**
 * `promote`: the one promotion policy on a parent run, the same call as `wsp promote`
 * (pipeline/promote.ts). A refusal (a child run, an unfinished one, a used-up holdout, …) fails
 * the job at once with its reason; the gates' verdict is the result.
 */
import { promoteRun } from "../../src/pipeline";
import { trackingUri } from "../../src/services";
import { MlflowClient } from "../../src/tracking";
import { failFastOnInput, payloadOf, sandboxed } from "../processorKit";

export default sandboxed(async (job) => {
  const { runId, ...opts } = payloadOf("promote", job);
  const client = new MlflowClient({ trackingUri: trackingUri(), retries: 3, backoffMs: 200 });
  // The verdict as JSON: each gate's value, threshold and detail (a missing value, NaN, becomes null).
  return failFastOnInput(() => promoteRun(client, runId, opts));
});
