/**
 * `ingest`: data files or folders (or every bundled file) → validation → the store, in one
 * transaction, as `wsp data ingest` does (pipeline/ingest.ts). The store is the one the fleet
 * shares (DATABASE_URL, else the discovered PostgreSQL); a file with errors fails the job at once.
 * New bars may mature stored signals: an ingest that wrote bars queues an `evaluate` job on the
 * same schema, on the worker's Redis and prefix (evaluateSchedule.ts), and names it in its result.
 */
import { ingestData } from "../../src/pipeline";
import { queueEvaluationAfter } from "../evaluateSchedule";
import { failFastOnInput, note, payloadOf, sandboxed, sharedStoreUrl, stepProgress } from "../processorKit";

export default sandboxed(async (job) => {
  const payload = payloadOf("ingest", job);
  const url = await sharedStoreUrl();
  const summary = await failFastOnInput(() =>
    ingestData({
      paths: "paths" in payload ? payload.paths : undefined,
      bundled: "bundled" in payload,
      force: payload.force,
      store: { url, schema: payload.schema },
      onLoad: stepProgress(job, "load", 1, 2),
      onIngest: stepProgress(job, "ingest", 2, 2),
    }),
  );
  // A retry queues it whatever it wrote: the failed attempt may have written the bars.
  if (summary.series === 0 && job.attemptsMade === 0) return { ...summary, evaluate: null };
  const evaluation = await queueEvaluationAfter(job.id as string, payload.schema);
  note(job, `evaluate job ${evaluation.id} ${evaluation.existing ? "was queued already" : "queued"}`);
  return { ...summary, evaluate: evaluation.id };
});
