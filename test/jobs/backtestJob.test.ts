/**
 * The `backtest` queue through a real `wsp worker` process (unique prefix): a registered
 * planted-signal champion × a backtest block → a run recording the backtest, tagged with the
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
import { promoteRun, runTracked } from "../../src/pipeline";
import { MlflowClient, tagRecord } from "../../src/tracking";
import { plantedSignalConfig } from "../pipeline/plantedSignal";
import { testMlflowUri } from "../setup/testMlflow";
import { startWorkerProcess, until, type WorkerProcess } from "./workerProcess";

const tag = `backtest-job-${randomBytes(4).toString("hex")}`;
const modelName = `${tag}-model`;
const prefix = `test-${tag}`;

describe("backtest jobs", { timeout: 400_000 }, () => {
  let uri: string;
  let client: MlflowClient;
  let tmp: string;
  let redis: Redis;
  let queue: Queue;
  let worker: WorkerProcess | null = null;
  let modelRunId: string;

  const settled = (job: Job) =>
    until(
      `backtest job ${job.id}`,
      async () => {
        const state = await queue.getJobState(job.id as string);
        return state === "completed" || state === "failed"
          ? ((await queue.getJob(job.id as string)) as Job)
          : undefined;
      },
      240_000,
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\nworker output:\n${worker?.output()}`);
    });

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
    expect((await promoteRun(client, run.runId)).champion).toBe(true);
    modelRunId = run.runId;
    redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    queue = new Queue("backtest", { connection: redis, prefix });
    worker = startWorkerProcess("backtest", prefix, inject("testRedisUrl"), { MLFLOW_TRACKING_URI: uri });
  }, 300_000);

  afterAll(async () => {
    await worker?.stop();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    redis?.disconnect();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
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
