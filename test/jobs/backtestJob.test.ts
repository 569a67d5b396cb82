/**
 * The `promote` and `backtest` queues through a real `wsp worker` process (unique prefix): the
 * planted-signal run promoted by a job (which schedules its retrain), then the champion × a backtest block → a run recording the backtest, tagged with the
 * model's run; a bad block fails at once, without retries, naming the field.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { QUEUES } from "../../jobs/queues";
import { runTracked } from "../../src/pipeline";
import { MlflowClient, tagRecord } from "../../src/tracking";
import { plantedSignalConfig } from "../pipeline/plantedSignal";
import { testMlflowUri } from "../setup/testMlflow";
import { killSpawnedWorkers, obliterateQueues, type SpawnedWorker, spawnWorker, uniquePrefix, waitFor } from "./_jobs";

const tag = `backtest-job-${randomBytes(4).toString("hex")}`;
const modelName = `${tag}-model`;
const prefix = uniquePrefix("backtest-jobs");

describe("backtest jobs", { timeout: 400_000 }, () => {
  let uri: string;
  let client: MlflowClient;
  let tmp: string;
  let redis: Redis;
  let queue: Queue;
  let worker: SpawnedWorker | null = null;
  let modelRunId: string;
  let promote: Queue;

  /** The job once it completed or failed. */
  async function settled(job: Job, on: Queue = queue): Promise<Job> {
    const id = job.id as string;
    await waitFor(
      async () => ["completed", "failed"].includes(await on.getJobState(id)),
      240_000,
      `backtest job ${id}`,
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\nworker output:\n${worker?.output()}`);
    });
    return (await on.getJob(id)) as Job;
  }

  beforeAll(async () => {
    uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    tmp = mkdtempSync(join(tmpdir(), "wsp-backtest-job-"));
    const run = await runTracked(plantedSignalConfig(tag, modelName), {
      trackingUri: uri,
      outboxDir: join(tmp, "outbox"),
      progress: false,
      png: false,
    });
    modelRunId = run.runId;
    redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    queue = new Queue("backtest", { connection: redis, prefix });
    promote = new Queue("promote", { connection: redis, prefix });
    worker = await spawnWorker(prefix, ["--queues", "backtest,promote"]);
  }, 300_000);

  afterAll(async () => {
    killSpawnedWorkers();
    await queue?.close();
    await promote?.close();
    await obliterateQueues(prefix);
    redis?.disconnect();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("a promote job makes the champion and schedules its retrain on the worker's Redis and prefix", async () => {
    const done = await settled(await promote.add("promote", { runId: modelRunId }, QUEUES.promote.jobOptions), promote);
    expect(done.failedReason).toBeUndefined();
    expect(done.returnvalue).toMatchObject({
      champion: true,
      schedule: `scheduled retrain:${modelName}: 0 2 * * 0 America/New_York\nscheduled forecast:${modelName}: 15 16 * * 1-5 America/New_York\nscheduled drift:${modelName}: 45 16 * * 1-5 America/New_York`,
    });
    const retrain = new Queue("retrain", { connection: redis, prefix });
    expect(await retrain.getJobScheduler(`retrain:${modelName}`)).toMatchObject({ pattern: "0 2 * * 0" });
    await retrain.close();
  });

  it("records a backtest run of the registered model, linked to the model's run", async () => {
    const job = await queue.add(
      "backtest",
      { model: `${modelName}@champion`, backtest: { period: { start: "2023-01-03" }, costs: { commission_bps: 3 } } },
      QUEUES.backtest.jobOptions,
    );
    const done = await settled(job);
    expect(done.failedReason).toBeUndefined();
    const result = done.returnvalue as { runId: string; model: { runId: string; version: string } };
    expect(result.model).toMatchObject({ runId: modelRunId, version: "1" });
    const run = await client.getRun(result.runId);
    expect(run.info.status).toBe("FINISHED");
    const tags = tagRecord(run.data.tags);
    expect(tags["wsp.backtest.model_run"]).toBe(modelRunId);
    expect(tags["wsp.job_id"]).toBe(job.id);
    expect(tagRecord(run.data.params)["costs.commission_bps"]).toBe("3");
  });

  it("fails a bad block at once, without retries, naming the field", async () => {
    const job = await queue.add(
      "backtest",
      { model: `${modelName}@champion`, backtest: { period: { start: "2031-01-02" } } },
      QUEUES.backtest.jobOptions,
    );
    const done = await settled(job);
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toContain("period.start 2031-01-02: the data ends 2024-12-31");
    const bad = await queue.add("backtest", { model: modelName, backtest: { period: { start: "soon" } } });
    const refused = await settled(bad);
    expect(refused.attemptsMade).toBe(1);
    expect(refused.failedReason).toContain("backtest.period.start: expected a date YYYY-MM-DD");
  });
});
