/**
 * `retrain`: a promoted config (jobs/schedules.ts puts its text in the job) run again on the
 * store's bars and judged against the champion on the forward window (pipeline/retrain.ts). The
 * outcome and its reason are the job's result and the run's tags. Runs sandboxed (worker.ts).
 */
import { parsePromotedConfig, promotedDir, readPromotedConfig, retrain } from "../../src/pipeline";
import { announceModelChange } from "../announce";
import { failFastOnInput, note, payloadOf, phaseProgress, sandboxed } from "../processorKit";

export default sandboxed(async (job) => {
  const p = payloadOf("retrain", job);
  const promoted = await failFastOnInput(() =>
    "path" in p.config ? readPromotedConfig(p.config.path) : parsePromotedConfig(p.config.yaml, p.model, p.config.file),
  );
  const r = await failFastOnInput(() =>
    retrain(promoted, {
      schema: p.schema,
      jobId: job.id,
      promotedDir: promotedDir(),
      progress: false,
      onPhase: phaseProgress(job),
    }),
  );
  // A registered version took an alias (champion or challenger): forecast services hear it; a refusal moved none.
  let announced = false;
  if (r.outcome !== "refused") {
    const a = await announceModelChange(r.model);
    note(job, a.line);
    announced = a.announced;
  }
  // The promotion's details are on the version; the job keeps the decision and its reason.
  const { promotion: _promotion, ...result } = r;
  return { ...result, announced };
});
