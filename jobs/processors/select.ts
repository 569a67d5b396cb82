/**
 * `select`: a sweep flow's parent job, run once every variant's `train` child has finished. The
 * children's results (their run ids) come from `job.getChildrenValues()`; the sweep is expanded
 * again from its template (the same plan: expansion is deterministic) and selected
 * (pipeline/sweep/: rank out of fold, trials in the ledger, PBO, the sweep's own run).
 */
import { UnrecoverableError } from "bullmq";
import { expandSweep, selectAndRecord, sweepJobResult, type TrainJobResult } from "../../src/pipeline";
import { failFastOnInput, loadConfigSource, payloadOf, sandboxed } from "../processorKit";

export default sandboxed(async (job) => {
  const payload = payloadOf("select", job);
  const plan = await failFastOnInput(() =>
    expandSweep(loadConfigSource(payload.config), { maxVariants: payload.maxVariants }),
  );
  if (plan.sweepId !== payload.sweepId) {
    throw new UnrecoverableError(`select: the template expands to ${plan.sweepId}, not ${payload.sweepId}`);
  }
  const children = Object.values(await job.getChildrenValues<TrainJobResult>());
  if (children.length !== plan.variants.length) {
    // A child's value not there yet (it should be: the parent waits for all): retried.
    throw new Error(`select ${plan.sweepId}: ${children.length} of ${plan.variants.length} variants' results`);
  }
  const outcome = await selectAndRecord(plan, { runIds: children.map((c) => c.runId) });
  return sweepJobResult(outcome);
});
