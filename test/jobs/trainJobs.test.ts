/**
 * Train jobs through a real `wsp worker` (sandboxed processors, the suite's Redis and MLflow):
 * a bad config fails at once without retries and names its YAML path, both at submission and in
 * a worker; the same config submitted twice runs once, also after its job record was removed
 * (the worker then finds the FINISHED run by its key and returns it); the run is promoted by a
 * promote job, and a promote job naming a run that does not exist fails at once; `wsp jobs
 * cancel` stops an active job.
 */
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enqueue, type PhaseProgress, submit } from "../../jobs";
import { tagRecord } from "../../src/tracking";
import { ConfigError, type TrainJobResult } from "../../src/pipeline";
import { plantedSignalConfig } from "../pipeline/plantedSignal";
import { testMlflowUri } from "../setup/testMlflow";
import {
  isAlive,
  jobRecord,
  killSpawnedWorkers,
  mlflowClient,
  obliterateQueues,
  runsOfKey,
  type SpawnedWorker,
  spawnWorker,
  uniquePrefix,
  waitFor,
} from "./_jobs";

const prefix = uniquePrefix("train");
const experiment = `jobs-train-${randomBytes(3).toString("hex")}`;
let uri: string;
let worker: SpawnedWorker;

beforeAll(async () => {
  uri = await testMlflowUri();
  // `node --import tsx`: the sandbox children inherit tsx's loader from execArgv.
  worker = await spawnWorker(prefix, ["--queues", "train,promote"], "node-import-tsx");
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

    // The run promoted by a job: the policy of `wsp promote`; the planted signal passes every gate.
    const promote = await enqueue("promote", "promote", { runId: r1.runId }, undefined, opts);
    expect(await promote.result()).toMatchObject({ runId: r1.runId, version: "1", champion: true, forced: false });
    const missing = await enqueue("promote", "promote", { runId: "0".repeat(32) }, undefined, opts);
    await expect(missing.result()).rejects.toThrow(/RESOURCE_DOES_NOT_EXIST/);
    expect(await jobRecord("promote", prefix, missing.id)).toMatchObject({ state: "failed", attemptsMade: 1 });

    const runs = await runsOfKey(mlflowClient(uri), experiment, first.id);
    expect(runs.map((r) => [r.info.run_id, r.info.status])).toEqual([[r1.runId, "FINISHED"]]);
    // The worker printed both jobs' starts and completions.
    expect(worker.output()).toMatch(new RegExp(`train/${first.id} completed[\\s\\S]*train/${first.id} completed`));
    await queue.close();
    redis.disconnect();
  }, 300_000);
});

describe("wsp jobs cancel on an active job", () => {
  it("stops it in its worker: it fails at once without retries, and its child exits", async () => {
    // Enough trees that training (tens of seconds) outlasts the CLI's start-up; the cancel cuts it short.
    const loaded = plantedSignalConfig(experiment, undefined, (doc) =>
      doc.setIn(["models", 0, "params", "n_trees"], 20000),
    );
    const handle = await submit(loaded, { redisUrl: inject("testRedisUrl"), prefix, png: false });
    const phases: string[] = [];
    handle.on("progress", (p: PhaseProgress) => phases.push(p.phase));
    await handle.watch();
    await waitFor(() => phases.includes("training"), 120_000, "the training phase");
    const [run] = await runsOfKey(mlflowClient(uri), experiment, handle.id);
    const childPid = Number(tagRecord(run.data.tags)["wsp.pid"]);

    const cancel = spawnSync(
      process.execPath,
      ["bin/wsp.js", "jobs", "cancel", handle.id, "--prefix", prefix, "--redis", inject("testRedisUrl")],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(`${cancel.stdout}${cancel.stderr}`).toContain(
      `job train/${handle.id} is active: asked 1 worker(s) to stop it`,
    );
    await expect(handle.result()).rejects.toThrow(/cancelled: wsp jobs cancel/);
    expect(await jobRecord("train", prefix, handle.id)).toMatchObject({ state: "failed", attemptsMade: 1 });
    await waitFor(() => !isAlive(childPid), 30_000, "the cancelled job's child to exit");
  }, 300_000);
});
