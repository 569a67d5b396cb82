/**
 * A scheduled retrain end to end: the planted-signal champion (trained with the market's last
 * months held back) promoted by `wsp promote`, which schedules it weekly; its promoted config
 * rescheduled with a short `every`, the held-back
 * months ingested into the suite's PostgreSQL, and a real `wsp worker` process serving the
 * retrain queue (unique prefix). The scheduler fires; the worker retrains on the fresh bars and
 * records the forward-window outcome and its reason on the run, the version and the job.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseDocument } from "yaml";
import {
  closeScheduleQueues,
  openScheduleQueues,
  type ScheduleQueues,
  scheduleModel,
  schedulerId,
} from "../../jobs/schedules";
import { runTracked } from "../../src/pipeline";
import { openStore, type Store } from "../../src/store";
import { MlflowClient, ModelRegistry, type Run, tagRecord } from "../../src/tracking";
import { plantedSignalConfig } from "../pipeline/plantedSignal";
import { HELD_BACK_END, ingestFresh, ingestSeen } from "../pipeline/retrainFixture";
import { testMlflowUri } from "../setup/testMlflow";
import { postgresTarget, type StoreTarget } from "../store/storeFixtures";
import { killSpawnedWorkers, obliterateQueues, type SpawnedWorker, spawnWorker, uniquePrefix, waitFor } from "./_jobs";

const tag = `sched-retrain-${randomBytes(4).toString("hex")}`;
const modelName = `${tag}-model`;
const prefix = uniquePrefix("retrain-schedule");

describe("a scheduled retrain on freshly ingested bars", { timeout: 600_000 }, () => {
  let uri: string;
  let client: MlflowClient;
  let target: StoreTarget;
  let store: Store;
  let tmp: string;
  let redis: Redis;
  let queues: ScheduleQueues;
  let worker: SpawnedWorker | null = null;
  let champion: { runId: string; version: string };

  beforeAll(async () => {
    uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    target = postgresTarget();
    store = await openStore(target.options);
    tmp = mkdtempSync(join(tmpdir(), "wsp-sched-retrain-"));
    const promotedDir = join(tmp, "promoted");
    const config = plantedSignalConfig(tag, modelName, (doc) => doc.setIn(["data", "end"], HELD_BACK_END));
    const run = await runTracked(config, {
      trackingUri: uri,
      outboxDir: join(tmp, "outbox"),
      progress: false,
      png: false,
    });
    redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    queues = openScheduleQueues(redis, prefix);
    // Promoted as a user does: `wsp promote` writes the promoted config and, Redis answering,
    // schedules it with the weekly default.
    const { stdout } = await promisify(execFile)("node", ["bin/wsp.js", "promote", run.runId], {
      env: {
        ...process.env,
        MLFLOW_TRACKING_URI: uri,
        REDIS_URL: inject("testRedisUrl"),
        WSP_QUEUE_PREFIX: prefix,
        WSP_PROMOTED_DIR: promotedDir,
      },
    });
    expect(stdout).toContain(`champion: ${modelName}@champion = v1`);
    expect(stdout).toContain(`scheduled retrain:${modelName}: 0 2 * * 0 America/New_York`);
    expect(stdout).toContain(`scheduled forecast:${modelName}: 15 16 * * 1-5 America/New_York`);
    expect(stdout).toContain(`scheduled drift:${modelName}: 45 16 * * 1-5 America/New_York`);
    // And tells forecast services on the same Redis and prefix that the aliases moved.
    expect(stdout).toContain(`announced the registry change of ${modelName} on ${prefix}:registry`);
    expect(await queues.retrain.getJobScheduler(schedulerId("retrain", modelName))).toMatchObject({
      pattern: "0 2 * * 0",
      tz: "America/New_York",
    });
    champion = { runId: run.runId, version: "1" };
    // A short interval instead of the weekly default, as a test may.
    const file = join(promotedDir, `${modelName}.yaml`);
    const doc = parseDocument(readFileSync(file, "utf8"));
    doc.setIn(["schedule"], doc.createNode({ every: 2000 }));
    writeFileSync(file, doc.toString());
    await ingestSeen(store);
    await ingestFresh(store);
    worker = await spawnWorker(prefix, ["--queues", "retrain"], "wsp", { WSP_PROMOTED_DIR: promotedDir });
    const placed = await scheduleModel(queues, promotedDir, modelName, { schema: target.options.schema });
    expect(placed.retrain).toBe(true);
    // The forecast scheduler is not this test's (forecastJob.test.ts's): removed, so it fires nothing here.
    await queues.forecast.removeJobScheduler(schedulerId("forecast", modelName));
  }, 300_000);

  afterAll(async () => {
    await queues?.retrain.removeJobScheduler(schedulerId("retrain", modelName)).catch(() => undefined);
    killSpawnedWorkers();
    if (queues) await closeScheduleQueues(queues);
    await obliterateQueues(prefix);
    redis?.disconnect();
    await store?.close();
    await target?.cleanup();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("fires, retrains on the fresh bars and records the forward-window outcome and why", async () => {
    const experimentId = (await client.getRun(champion.runId)).info.experiment_id;
    let finished: Run | undefined;
    await waitFor(
      async () => {
        const runs = await client.searchAllRuns({
          experimentIds: [experimentId],
          filter: `tags.\`wsp.retrain.of\` = '${modelName}'`,
        });
        finished = runs.find((r) => r.info.status === "FINISHED" && tagRecord(r.data.tags)["wsp.retrain.outcome"]);
        return finished !== undefined;
      },
      400_000,
      "a retrain run of the scheduler's job",
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\nworker output:\n${worker?.output()}`);
    });
    if (!finished) throw new Error("unreachable: waitFor returned without a run");
    const runId = finished.info.run_id;
    // One is enough: the scheduler stops before it piles up more.
    await queues.retrain.removeJobScheduler(schedulerId("retrain", modelName));
    const tags = tagRecord(finished.data.tags);
    // Fired by the scheduler: BullMQ's own job id, a repeat job of retrain:<model>.
    expect(tags["wsp.job_id"]).toMatch(/^repeat:retrain:/);
    const params = tagRecord(finished.data.params);
    expect(params["data.source"]).toBe("store");
    expect(params["schedule.every"]).toBe("2000");
    const outcome = tags["wsp.retrain.outcome"];
    expect(["champion", "challenger"]).toContain(outcome);
    expect(tags["wsp.retrain.reason"]).toContain("forward window 2024-06-24..2024-12-23");
    const registry = new ModelRegistry(client);
    const version = tags["wsp.registered_version"]?.split("/")[1];
    expect(version).toBeDefined();
    const vtags = tagRecord((await registry.getModelVersion(modelName, version as string))?.tags);
    expect(Number(vtags["wsp.forward.rows"])).toBeGreaterThan(100);
    const gatesPassed = ["beats_champion", "min_deflated_sharpe", "beats_control", "run_checks"].every(
      (g) => vtags[`gate.${g}`] === "pass",
    );
    expect(outcome).toBe(gatesPassed ? "champion" : "challenger");
    expect((await registry.getAlias(modelName, "champion"))?.version).toBe(gatesPassed ? version : champion.version);
    // The job's own result says the same.
    let done: Job | undefined;
    await waitFor(
      async () => {
        done = (await queues.retrain.getCompleted()).find((j) => j.returnvalue?.runId === runId);
        return done !== undefined;
      },
      60_000,
      "the completed job",
    );
    // A registered version took an alias: the change was announced on the worker's Redis and prefix.
    expect(done?.returnvalue).toMatchObject({
      model: modelName,
      outcome,
      reason: tags["wsp.retrain.reason"],
      announced: true,
    });
  });
});
