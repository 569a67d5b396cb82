/**
 * `train`: one experiment config → one tracked parent run, what `wsp run` records, once per
 * content key (pipeline/trainJob.ts: a FINISHED run with the key is returned, an earlier
 * attempt's RUNNING run is ended KILLED first). Runs sandboxed (worker.ts).
 */
import { runTrainJob, trainKeyOf } from "../../src/pipeline";
import { failFastOnInput, loadConfigSource, payloadOf, phaseProgress, sandboxed } from "../processorKit";

export default sandboxed(async (job) => {
  const payload = payloadOf("train", job);
  const loaded = await failFastOnInput(() => loadConfigSource(payload.config));
  // Scheduler-fired jobs carry BullMQ's own ids: the key is computed from the config and its data.
  const jobId = payload.key ?? (await failFastOnInput(() => trainKeyOf(loaded)));
  return failFastOnInput(() =>
    runTrainJob(loaded, { jobId, png: payload.png, progress: false, onPhase: phaseProgress(job) }),
  );
});
