/**
 * `forecast`: a registered model scores its tickers as of their latest stored bar (or `asof`) and
 * stores one signal per (ticker, bar, version), as `wsp forecast --all` does
 * (pipeline/forecast/scoreTickers.ts). A model reference with no version behind it fails at once;
 * a store or registry away is retried. Runs sandboxed (worker.ts): it loads a model and computes
 * features, CPU work that would starve the worker's lock renewal in-process.
 */
import { scoreTickers, summarizeScore } from "../../src/pipeline";
import { trackingUri } from "../../src/services";
import { openStore } from "../../src/store";
import { failFastOnInput, payloadOf, sandboxed, sharedStoreUrl, stepProgress } from "../processorKit";

export default sandboxed(async (job) => {
  const p = payloadOf("forecast", job);
  const store = await failFastOnInput(async () => openStore({ url: await sharedStoreUrl(), schema: p.schema }));
  try {
    const r = await failFastOnInput(() =>
      scoreTickers(
        { model: p.model, tickers: p.tickers, asof: p.asof },
        { trackingUri: trackingUri(), store, onTicker: stepProgress(job, "forecast", 1, 1) },
      ),
    );
    // The forecasts are in the store as signals; the job keeps the counts.
    return summarizeScore(r);
  } finally {
    await store.close();
  }
});
