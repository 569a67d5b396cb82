/**
 * `drift`: a drift check of a model's champion (pipeline/monitoring/checkDrift.ts); on drift a
 * retrain of the model is enqueued (driftRetrain.ts), on emergency the version is also paused.
 * The check's lines go to the job's log. Runs sandboxed (worker.ts): it may compute a profile.
 */
import { checkDrift, type DriftWindow } from "../../src/pipeline";
import { trackingUri } from "../../src/services";
import { openStore } from "../../src/store";
import { MlflowClient } from "../../src/tracking";
import { enqueueDriftRetrain } from "../driftRetrain";
import { failFastOnInput, note, payloadOf, sandboxed, sharedStoreUrl } from "../processorKit";

export default sandboxed(async (job) => {
  const p = payloadOf("drift", job);
  const w = p.window;
  const ms = (t: string | undefined) => (t === undefined ? undefined : Date.parse(t));
  const window: DriftWindow | undefined = w && ("last" in w ? w : { from: ms(w.from), to: ms(w.to) });
  const store = await failFastOnInput(async () => openStore({ url: await sharedStoreUrl(), schema: p.schema }));
  try {
    const r = await checkDrift({
      store,
      client: new MlflowClient({ trackingUri: trackingUri() }),
      model: p.model,
      window,
      log: (line) => note(job, line),
      onDrift: async (d) =>
        note(job, (await enqueueDriftRetrain({ model: d.model, checkedAt: d.checkedAt, schema: p.schema })).line),
    });
    const { features: _table, ...summary } = r;
    return summary;
  } finally {
    await store.close();
  }
});
