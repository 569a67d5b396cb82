/**
 * `evaluate`: the feedback loop's step (pipeline/monitoring/evaluate.ts) on the worker's store
 * (the schema given, default `public`) and MLflow: the signals whose horizon has passed in the
 * stored bars get their outcomes, each version its live metrics; the result is
 * `summarizeEvaluation`'s (outcomes stored and pending per version, rolling accuracy, ECE, Brier
 * beside the run's). A version the registry cannot serve is skipped and named in the result; the
 * store or MLflow away is retried. Sandboxed (worker.ts): it computes labels, CPU work that would
 * starve the worker's lock renewal in-process.
 */
import { evaluateSignals, summarizeEvaluation } from "../../src/pipeline";
import { trackingUri } from "../../src/services";
import { openStore } from "../../src/store";
import { MlflowClient } from "../../src/tracking";
import { failFastOnInput, payloadOf, sandboxed, sharedStoreUrl, stepProgress } from "../processorKit";

export default sandboxed(async (job) => {
  const p = payloadOf("evaluate", job);
  const store = await failFastOnInput(async () => openStore({ url: await sharedStoreUrl(), schema: p.schema }));
  try {
    const client = new MlflowClient({ trackingUri: trackingUri(), retries: 3, backoffMs: 200 });
    const evaluation = await failFastOnInput(() =>
      evaluateSignals({ store, client, model: p.model, onVersion: stepProgress(job, "evaluate", 1, 1) }),
    );
    return summarizeEvaluation(evaluation);
  } finally {
    await store.close();
  }
});
