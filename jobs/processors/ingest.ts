/**
 * `ingest`: data files or folders (or every bundled file) → validation → the store, in one
 * transaction, as `wsp data ingest` does (pipeline/ingest.ts). The store is the one the fleet
 * shares (DATABASE_URL, else the discovered PostgreSQL); a file with errors fails the job at once.
 */
import { ingestData } from "../../src/pipeline";
import { failFastOnInput, payloadOf, sandboxed, sharedStoreUrl, stepProgress } from "../processorKit";

export default sandboxed(async (job) => {
  const payload = payloadOf("ingest", job);
  const url = await sharedStoreUrl();
  return failFastOnInput(() =>
    ingestData({
      paths: "paths" in payload ? payload.paths : undefined,
      bundled: "bundled" in payload,
      force: payload.force,
      store: { url, schema: payload.schema },
      onLoad: stepProgress(job, "load", 1, 2),
      onIngest: stepProgress(job, "ingest", 2, 2),
    }),
  );
});
