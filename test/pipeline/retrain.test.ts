/**
 * Promotion → promoted config → retrain, on the planted-signal fixture with a real MLflow server
 * and the suite's PostgreSQL: a champion trained with the market's last months held back; its
 * promoted config (source: store); a retrain on the bars it saw (no forward window: the new
 * version stays challenger); the held-back months ingested and a retrain judged on the forward
 * window (the champion moves exactly when every gate passes there); a retrain its own checks
 * refuse (not registered). The reason is recorded on the run every time.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { dayMsOf } from "../../src/data";
import {
  DEFAULT_DRIFT_SCHEDULE,
  DEFAULT_FORECAST_SCHEDULE,
  DEFAULT_SCHEDULE,
  promoteRun,
  readPromotedConfig,
  retrain,
  runTracked,
  setPromotedPaused,
} from "../../src/pipeline";
import { openStore, type Store } from "../../src/store";
import { MlflowClient, ModelRegistry, tagRecord } from "../../src/tracking";
import { testMlflowUri } from "../setup/testMlflow";
import { postgresTarget, type StoreTarget } from "../store/storeFixtures";
import { plantedSignalConfig } from "./plantedSignal";
import { HELD_BACK_END, ingestFresh, ingestSeen } from "./retrainFixture";

const tag = `retrain-${randomBytes(4).toString("hex")}`;
const modelName = `${tag}-model`;
const quiet = { progress: false, png: false } as const;

describe("promotion → promoted config → retrain", { timeout: 600_000 }, () => {
  let uri: string;
  let client: MlflowClient;
  let registry: ModelRegistry;
  let target: StoreTarget;
  let store: Store;
  let tmp: string;
  let promotedDir: string;
  let outboxDir: string;
  let file: string;
  let champion: { runId: string; version: string };

  const runTags = async (runId: string) => tagRecord((await client.getRun(runId)).data.tags);
  const retrainOpts = () => ({ store, trackingUri: uri, outboxDir, promotedDir, ...quiet });

  beforeAll(async () => {
    uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    registry = new ModelRegistry(client);
    target = postgresTarget();
    store = await openStore(target.options);
    tmp = mkdtempSync(join(tmpdir(), "wsp-retrain-"));
    promotedDir = join(tmp, "promoted");
    outboxDir = join(tmp, "outbox");
    const config = plantedSignalConfig(tag, modelName, (doc) => doc.setIn(["data", "end"], HELD_BACK_END));
    const run = await runTracked(config, { trackingUri: uri, outboxDir, ...quiet });
    const promoted = await promoteRun(client, run.runId, { promotedDir });
    expect(promoted.champion).toBe(true);
    expect(promoted.promotedConfig).toBe(join(promotedDir, `${modelName}.yaml`));
    file = promoted.promotedConfig as string;
    champion = { runId: run.runId, version: promoted.version };
  }, 300_000);

  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("writes the champion's config to read the store, with a schedule and its provenance", async () => {
    const text = readFileSync(file, "utf8");
    const doc = parseDocument(text);
    expect(doc.getIn(["data", "source"])).toBe("store");
    expect(doc.hasIn(["data", "end"])).toBe(false);
    const tags = await runTags(champion.runId);
    for (const expected of [
      `run: ${champion.runId}`,
      "sweep: none",
      `git commit: ${tags.git_commit}`,
      `data hash: ${tags.data_hash} (data.source synthetic:planted-signal)`,
      `config hash: ${tags.config_hash}`,
      `version ${champion.version} became champion`,
      "beats_champion=pass",
      "min_deflated_sharpe=pass",
      "holdout_logloss=",
      "retrain schedule: 0 2 * * 0 America/New_York",
      "forecast schedule: 15 16 * * 1-5 America/New_York",
      "drift schedule: 45 16 * * 1-5 America/New_York",
    ]) {
      expect(text).toContain(expected);
    }
    const read = readPromotedConfig(file);
    expect(read.name).toBe(modelName);
    expect(read.schedule).toEqual(DEFAULT_SCHEDULE);
    expect(read.schedule).toEqual({ cron: "0 2 * * 0", timezone: "America/New_York", paused: false });
    // Pausing marks the file and keeps the rest of it, header included.
    expect(setPromotedPaused(promotedDir, modelName, true).schedule.paused).toBe(true);
    expect(readFileSync(file, "utf8")).toContain(`run: ${champion.runId}`);
    expect(setPromotedPaused(promotedDir, modelName, false).schedule.paused).toBe(false);
    // The forecast's block, written with its default, is marked on its own.
    expect(read.forecastSchedule).toEqual(DEFAULT_FORECAST_SCHEDULE);
    expect(read.driftSchedule).toEqual(DEFAULT_DRIFT_SCHEDULE);
    const forecastPaused = setPromotedPaused(promotedDir, modelName, true, "forecast_schedule");
    expect([forecastPaused.forecastSchedule.paused, forecastPaused.schedule.paused]).toEqual([true, false]);
    expect(setPromotedPaused(promotedDir, modelName, false, "forecast_schedule").forecastSchedule.paused).toBe(false);
  });

  it("retrained on the bars the champion saw: no forward window, the new version stays challenger", async () => {
    await ingestSeen(store);
    const r = await retrain(file, retrainOpts());
    expect(r.outcome).toBe("challenger");
    expect(r.champion).toBe(champion.version);
    expect(r.forward?.window).toBeNull();
    expect(r.reason).toContain("no forward window yet");
    expect((await registry.getAlias(modelName, "champion"))?.version).toBe(champion.version);
    expect((await registry.getAlias(modelName, "challenger"))?.version).toBe(r.version);
    const tags = await runTags(r.runId);
    expect(tags["wsp.retrain.outcome"]).toBe("challenger");
    expect(tags["wsp.retrain.reason"]).toContain("no forward window yet");
    const params = tagRecord((await client.getRun(r.runId)).data.params);
    expect(params["data.source"]).toBe("store");
  });

  it("retrained on freshly ingested months: judged on the forward window, the champion moves only if every gate passes", async () => {
    await ingestFresh(store);
    const championEnd = Date.parse((await runTags(champion.runId))["wsp.holdout.end"]);
    const r = await retrain(file, retrainOpts());
    const f = r.forward;
    expect(f?.window).not.toBeNull();
    expect(f?.window?.start).toBeGreaterThan(championEnd);
    expect(f?.window?.end).toBeGreaterThan(dayMsOf("2024-12-01"));
    expect(f?.rows).toBeGreaterThan(100);
    // Both predicted the window: two finite, different log-losses.
    expect(Number.isFinite(f?.challenger.value)).toBe(true);
    expect(Number.isFinite(f?.champion.value)).toBe(true);
    expect(f?.challenger.value).not.toBe(f?.champion.value);
    const gates = r.promotion?.gates ?? [];
    const beats = gates.find((g) => g.gate === "beats_champion");
    expect(beats?.value).toBe(f?.challenger.value);
    expect(beats?.detail).toContain("forward window");
    const passed = gates.length === 4 && gates.every((g) => g.passed);
    expect(r.outcome).toBe(passed ? "champion" : "challenger");
    const now = await registry.getAlias(modelName, "champion");
    expect(now?.version).toBe(passed ? r.version : champion.version);
    const version = await registry.getModelVersion(modelName, r.version as string);
    const vtags = tagRecord(version?.tags);
    expect(vtags["wsp.forward.rows"]).toBe(String(f?.rows));
    expect(vtags["gate.beats_champion"]).toBe(beats?.passed ? "pass" : "fail");
    const tags = await runTags(r.runId);
    expect(tags["wsp.retrain.outcome"]).toBe(r.outcome);
    expect(tags["wsp.retrain.reason"]).toBe(r.reason);
    expect(r.reason).toContain(passed ? "every gate passed" : "kept as challenger");
    // The promoted config follows the champion.
    expect(readFileSync(file, "utf8")).toContain(`run: ${passed ? r.runId : champion.runId}`);
    console.log(`forward window outcome: ${r.outcome}: ${r.reason}`);
  });

  it("a retrain its own checks refuse is not registered, and says why", async () => {
    // The same promoted config with its target permuted: a null run, which the signal check refuses.
    const dir = join(tmp, "null-run");
    mkdirSync(dir);
    const doc = parseDocument(readFileSync(file, "utf8"));
    doc.setIn(["controls", "shuffle_target"], true);
    const nullFile = join(dir, `${modelName}.yaml`);
    writeFileSync(nullFile, doc.toString());
    const before = (await registry.searchModelVersions(modelName)).length;
    const r = await retrain(nullFile, retrainOpts());
    expect(r.outcome).toBe("refused");
    expect(r.version).toBeNull();
    expect(r.reason).toMatch(/^the run's own checks refused it: .*signal/);
    expect((await registry.searchModelVersions(modelName)).length).toBe(before);
    const tags = await runTags(r.runId);
    expect(tags["wsp.retrain.outcome"]).toBe("refused");
    expect(tags["wsp.retrain.reason"]).toBe(r.reason);
    expect(tags["wsp.registered_version"]).toBeUndefined();
  });

  it("a retried retrain job returns its earlier attempt's decision, and ends an abandoned attempt KILLED", async () => {
    const jobId = `repeat:retrain:${tag}:1`;
    const first = await retrain(file, { ...retrainOpts(), jobId });
    expect(first.reused).toBe(false);
    const before = (await registry.searchModelVersions(modelName)).length;
    const again = await retrain(file, { ...retrainOpts(), jobId });
    expect(again).toMatchObject({
      reused: true,
      runId: first.runId,
      outcome: first.outcome,
      reason: first.reason,
      version: first.version,
      champion: first.champion,
    });
    expect((await registry.searchModelVersions(modelName)).length).toBe(before);
    // An attempt that died mid-run left its run RUNNING: the next attempt ends it and runs anew.
    const dead = `repeat:retrain:${tag}:2`;
    const experimentId = (await client.getRun(first.runId)).info.experiment_id;
    const abandoned = await client.createRun({ experimentId, runName: "died", tags: { "wsp.job_id": dead } });
    const fresh = await retrain(file, { ...retrainOpts(), jobId: dead });
    expect(fresh.reused).toBe(false);
    expect(fresh.runId).not.toBe(abandoned.info.run_id);
    expect((await client.getRun(abandoned.info.run_id)).info.status).toBe("KILLED");
  });
});
