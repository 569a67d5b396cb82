/**
 * Train jobs through a real `wsp worker` (sandboxed processors, the suite's Redis and MLflow):
 * a bad config fails at once without retries and names its YAML path, both at submission and in
 * a worker; the same config submitted twice runs once, also after its job record was removed
 * (the worker then finds the FINISHED run by its key and returns it).
 */
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enqueue, submit } from "../../jobs";
import { ConfigError, type TrainJobResult } from "../../src/pipeline";
import { plantedSignalConfig } from "../pipeline/plantedSignal";
import { testMlflowUri } from "../setup/testMlflow";
import {
  jobRecord,
  killSpawnedWorkers,
  mlflowClient,
  obliterateQueues,
  runsOfKey,
  type SpawnedWorker,
  spawnWorker,
  uniquePrefix,
} from "./_jobs";

const prefix = uniquePrefix("train");
const experiment = `jobs-train-${randomBytes(3).toString("hex")}`;
let uri: string;
let worker: SpawnedWorker;

beforeAll(async () => {
  uri = await testMlflowUri();
  // `node --import tsx`: the sandbox children inherit tsx's loader from execArgv.
  worker = await spawnWorker(prefix, ["--queues", "train"], "node-import-tsx");
});

afterAll(async () => {
  killSpawnedWorkers();
  await obliterateQueues(prefix);
});

describe("a bad config", () => {
  const bad = plantedSignalConfig(experiment).text.replace("max_depth: 2", "max_depth: 1000");

  it("is refused at submission, naming the YAML path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wsp-jobs-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(file, bad);
    const submitted = submit(file, { redisUrl: inject("testRedisUrl"), prefix });
    await expect(submitted).rejects.toThrow(ConfigError);
    await expect(submitted).rejects.toThrow(/bad\.yaml:\d+:\d+ models\[0\]\.params\.max_depth/);
    rmSync(dir, { recursive: true });
  }, 120_000);

  it("queued anyway, fails in the worker at once: one attempt of three, the YAML path in the reason", async () => {
    const handle = await enqueue("train", "bad", { config: { yaml: bad, file: "bad.yaml" } }, undefined, {
      redisUrl: inject("testRedisUrl"),
      prefix,
    });
    await expect(handle.result()).rejects.toThrow(/models\[0\]\.params\.max_depth/);
    const job = await jobRecord("train", prefix, handle.id);
    expect(job).toMatchObject({ state: "failed", attemptsMade: 1, attempts: 3 });
    expect(job?.failedReason).toMatch(
      /^ConfigError: bad\.yaml: invalid experiment config\n.*bad\.yaml:\d+:\d+ models\[0\]\.params\.max_depth: expected an integer/,
    );
  }, 120_000);
});

describe("the same config submitted twice", () => {
  it("runs once, and once more after its job record is removed it returns the same run", async () => {
    const loaded = plantedSignalConfig(experiment);
    const opts = { redisUrl: inject("testRedisUrl"), prefix, png: false };
    const first = await submit(loaded, opts);
    const second = await submit(loaded, opts);
    expect(first.existing).toBe(false);
    expect(second.existing).toBe(true);
    expect(second.id).toBe(first.id);
    await second.close();
    const r1 = await first.result();
    expect(r1.reused).toBe(false);
    expect(r1.runUrl).toContain(r1.runId);
    expect(r1.gates).toBe("passed");

    // The record goes (removeOnComplete does this after a while): the job is queued anew, and
    // its worker finds the FINISHED run by the key instead of running again.
    const redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    const queue = new Queue("train", { connection: redis, prefix });
    await (await queue.getJob(first.id))?.remove();
    const third = await submit(loaded, opts);
    expect(third.existing).toBe(false);
    expect(third.id).toBe(first.id);
    const r3 = (await third.result()) as TrainJobResult;
    expect(r3).toMatchObject({ reused: true, runId: r1.runId, gates: "passed" });
    expect(r3.metrics.oos_logloss).toBeCloseTo(r1.metrics.oos_logloss as number, 12);

    const runs = await runsOfKey(mlflowClient(uri), experiment, first.id);
    expect(runs.map((r) => [r.info.run_id, r.info.status])).toEqual([[r1.runId, "FINISHED"]]);
    // The worker printed both jobs' starts and completions.
    expect(worker.output()).toMatch(new RegExp(`train/${first.id} completed[\\s\\S]*train/${first.id} completed`));
    await queue.close();
    redis.disconnect();
  }, 300_000);
});
