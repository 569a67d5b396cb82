/**
 * The `reference profile` record step and `loadReferenceProfile` on the planted-signal fixture,
 * with the suite's MLflow server and a PostgreSQL store:
 * - a trained and promoted run carries `reference_profile.json` in every logged model; the
 *   registered version's profile is read back, and computing it from the run's data gives the
 *   same profile;
 * - a run recorded without the step (as before profiles existed), on store data, gets one computed
 *   on demand; with the store emptied of its bars, the error names the version, the run and the data.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_PROFILE_FILE, type ReferenceProfile } from "../../../src/monitoring";
import {
  computeReferenceProfile,
  loadReferenceProfile,
  promoteRun,
  RECORD_STEPS,
  runTracked,
  storeQuery,
} from "../../../src/pipeline";
import { openStore, type Store } from "../../../src/store";
import { loadModelArtifact, MlflowClient, RUN_TAGS, tagRecord } from "../../../src/tracking";
import { ingestPlanted, trainChampion, type Champion } from "../../serving/_champion";
import { testMlflowUri } from "../../setup/testMlflow";
import { postgresTarget, type StoreTarget } from "../../store/storeFixtures";
import { plantedSignalConfig } from "../plantedSignal";

describe("reference profiles of registered versions", { timeout: 600_000 }, () => {
  let uri: string;
  let client: MlflowClient;
  let champion: Champion;
  const targets: StoreTarget[] = [];
  const stores: Store[] = [];
  const tmp = mkdtempSync(join(tmpdir(), "wsp-profile-"));

  const newStore = async () => {
    const t = postgresTarget();
    targets.push(t);
    const s = await openStore(t.options);
    stores.push(s);
    return s;
  };

  beforeAll(async () => {
    uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    champion = await trainChampion(uri, `profile-${randomBytes(4).toString("hex")}`);
  }, 600_000);

  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const t of targets) await t.cleanup();
    champion?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("saves a profile in every logged model of the run and reads the version's back", async () => {
    const ref = `${champion.modelName}@champion`;
    const run = await client.getRun(champion.runId);
    const tags = tagRecord(run.data.tags);
    const variant = tags[RUN_TAGS.promoteModel];
    const loaded = await loadReferenceProfile(client, ref);
    expect(loaded.source).toBe("artifact");
    expect(loaded.model).toEqual({ name: champion.modelName, version: champion.version, runId: champion.runId });
    const p = loaded.profile;
    expect(p.variant).toBe(variant);
    const metric = (k: string) => Number(run.data.metrics?.find((m) => m.key === k)?.value);
    expect(p.baseline.accuracy).toBe(metric(`${variant}.oos_accuracy`));
    expect(p.baseline.ece).toBe(metric(`${variant}.oos_ece`));
    // The window ends before the final holdout; the planted features are all there.
    expect(Date.parse(p.window.end)).toBeLessThan(Date.parse(tags["wsp.holdout.start"]));
    expect(p.features.some((f) => f.name.startsWith("SENT/"))).toBe(true);
    expect(p.features.every((f) => f.missing === 0 && f.n === p.window.rows)).toBe(true);
    // The prediction reference is the final model's on the final holdout (two years of sessions).
    expect(p.prediction.missing).toBe(0);
    expect(p.prediction.n).toBeGreaterThan(490);
    expect(p.prediction.n).toBeLessThan(510);
    // Every variant's logged model carries its own.
    const model = await loadModelArtifact(ref, { client });
    expect(model.source).toMatch(/^models:\//);
    const outputs = await client.getRunOutputs(champion.runId);
    expect(outputs.length).toBeGreaterThanOrEqual(3); // gbm, logistic, ensemble
    for (const o of outputs) {
      const text = new TextDecoder().decode(
        await client.downloadArtifactUri(`models:/${o.model_id}/${REFERENCE_PROFILE_FILE}`),
      );
      const other = JSON.parse(text) as ReferenceProfile;
      expect(other.window).toEqual(p.window);
      expect(["gbm", "logistic", "ensemble"]).toContain(other.variant);
      if (other.variant === "gbm") expect(other.topFeatures?.[0]).toMatch(/^SENT\//); // the planted signal
      if (other.variant === "logistic") expect(other.topFeatures).toBeNull(); // no TreeSHAP
    }
  });

  it("computes the same profile from the run's data as the record step saved", async () => {
    const ref = `${champion.modelName}/${champion.version}`;
    const saved = (await loadReferenceProfile(client, ref)).profile;
    const computed = await computeReferenceProfile(client, ref);
    if (saved.variant === "ensemble") {
      // The member-weighted SHAP ranking exists only at training.
      expect({ ...computed, topFeatures: saved.topFeatures }).toEqual(saved);
      expect(computed.topFeatures).toBeNull();
    } else {
      expect(computed).toEqual(saved);
    }
  });

  it("computes one on demand for a version recorded without the step, and names what is missing without data", async () => {
    // The store holds the market through mid-2024 when the run trains; the rest arrives after.
    const store = await newStore();
    const trainedUntil = Date.parse("2024-07-01");
    await ingestPlanted(store, Number.NEGATIVE_INFINITY, trainedUntil);
    const tag = `profile-old-${randomBytes(4).toString("hex")}`;
    const config = plantedSignalConfig(tag, `${tag}-model`, (doc) => doc.setIn(["data", "source"], "store"));
    const run = await runTracked(config, {
      trackingUri: uri,
      outboxDir: join(tmp, "outbox"),
      progress: false,
      png: false,
      fromStore: storeQuery(store),
      steps: RECORD_STEPS.filter((s) => s.name !== "reference profile"),
    });
    const promoted = await promoteRun(client, run.runId, { promotedDir: join(tmp, "promoted") });
    const ref = `${tag}-model/${promoted.version}`;
    const model = await loadModelArtifact(ref, { client });
    await expect(model.modelFile(REFERENCE_PROFILE_FILE)).rejects.toThrow(/404|RESOURCE_DOES_NOT_EXIST|not found/i);

    const before = await loadReferenceProfile(client, ref, { store: { store } });
    expect(before.source).toBe("computed");
    expect(Date.parse(before.profile.window.end)).toBeLessThan(run.result.panel.ts[run.result.plan.holdout[0]]);
    // Bars ingested after the run do not move its window: the profile is the run's own.
    await ingestPlanted(store, trainedUntil);
    const loaded = await loadReferenceProfile(client, ref, { store: { store } });
    expect(loaded.profile).toEqual(before.profile);
    expect(loaded.profile.window.rows).toBe(run.result.plan.rows.length);
    expect(loaded.profile.window.end).toBe(
      new Date(run.result.panel.ts[run.result.plan.rows.at(-1) as number]).toISOString(),
    );
    expect(loaded.profile.baseline.rows).toBe(
      (run.result.ensemble && loaded.profile.variant === "ensemble"
        ? run.result.ensemble.oos
        : (run.result.models.find((m) => m.name === loaded.profile.variant)?.oos ?? { rows: -1 })
      ).rows,
    );

    const empty = await newStore();
    await expect(loadReferenceProfile(client, ref, { store: { store: empty } })).rejects.toThrow(
      new RegExp(
        `${tag}-model/${promoted.version}: no reference_profile.json, and computing one from run ${run.runId}'s data failed: data.source store \\(tickers PLNT, context SENT\\) cannot be loaded: `,
      ),
    );
  });
});
