/**
 * A sweep queued as a flow and run by real `wsp worker` processes (sandboxed children), on the
 * planted-signal fixture with three variants: (a) on a Redis of the test's own, SIGKILLed and
 * restarted while a child trains, the sweep completes and select sees every child; (b) two
 * worker processes on the suite's Redis share a sweep: both run children, and the winner and the
 * trial count are those of (a)'s one worker.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { submitSweep } from "../../jobs";
import type { SweepJobResult, TrainJobResult } from "../../src/pipeline";
import { MlflowClient, readLedger, tagRecord } from "../../src/tracking";
import { plantedSignalConfig } from "../pipeline/plantedSignal";
import { testMlflowUri } from "../setup/testMlflow";
import { killSpawnedWorkers, obliterateQueues, runsOfKey, spawnWorker, uniquePrefix, waitFor } from "./_jobs";
import { type OwnRedis, startOwnRedis } from "./ownRedis";

const tag = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const prefixB = uniquePrefix("sweep-b");
const VARIANTS = [1, 2, 3];

function sweepTemplate(experiment: string) {
  return plantedSignalConfig(experiment, undefined, (doc) => {
    doc.set("sweep", { mode: "grid", params: { "models[0].params.max_depth": VARIANTS } });
  });
}

/** A `wsp worker` serving the sweep's queues; `redisUrl` overrides the suite's Redis. */
function sweepWorker(prefix: string, redisUrl?: string) {
  return spawnWorker(prefix, ["--queues", "train,select", "--grace", "5", ...(redisUrl ? ["--redis", redisUrl] : [])]);
}

/** The train queue's worker count (BullMQ names each worker's connection). */
async function trainWorkers(redisUrl: string, prefix: string): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const q = new Queue("train", { connection, prefix });
  try {
    return await q.getWorkersCount();
  } finally {
    await q.close();
    connection.disconnect();
  }
}

interface SweepRun {
  result: SweepJobResult;
  /** The select job's children, as it read them. */
  children: TrainJobResult[];
  /** The train jobs: which worker ran each. */
  trainJobs: Job[];
}

/** Submits the sweep, runs `during` once a child trains, and waits for the select job. */
async function runQueuedSweep(
  redisUrl: string,
  prefix: string,
  experiment: string,
  during: (train: Queue) => Promise<void> = async () => undefined,
): Promise<SweepRun> {
  const handle = await submitSweep(sweepTemplate(experiment), { redisUrl, prefix, png: false });
  expect(handle.existing).toBe(false);
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const train = new Queue("train", { connection, prefix });
  // While (a)'s Redis is down these connections retry; their errors are expected, not failures.
  for (const emitter of [connection, train, handle.queue]) emitter.on("error", () => undefined);
  try {
    await during(train);
    const settled = async () => ["completed", "failed"].includes(await handle.state());
    await waitFor(settled, 300_000, "the select job");
    const select = (await handle.queue.getJob(handle.id)) as Job;
    expect(select.failedReason ?? "").toBe("");
    const children = Object.values(await select.getChildrenValues<TrainJobResult>());
    const trainJobs = (await train.getJobs(["completed"])).filter((j) => j.parentKey?.endsWith(handle.id));
    return { result: select.returnvalue as SweepJobResult, children, trainJobs };
  } finally {
    await train.close();
    connection.disconnect();
    await handle.close();
  }
}

describe("a sweep queued as a flow", { timeout: 600_000 }, () => {
  let client: MlflowClient;
  let own: OwnRedis;
  let oneWorker: SweepRun;

  beforeAll(async () => {
    client = new MlflowClient({ trackingUri: await testMlflowUri(), backoffMs: 20 });
    own = await startOwnRedis();
  }, 120_000);

  afterAll(async () => {
    killSpawnedWorkers();
    await obliterateQueues(prefixB);
    await own?.dispose();
  }, 60_000);

  it("(a) Redis killed and restarted mid-sweep: the sweep completes and select sees every child", async () => {
    const prefix = uniquePrefix("sweep-a");
    const experiment = `sweep-flow-a-${tag}`;
    const worker = await sweepWorker(prefix, own.url);
    let killedWhile = "";
    oneWorker = await runQueuedSweep(own.url, prefix, experiment, async (train) => {
      // Mid-sweep: one child done, the next one training.
      const midSweep = async () => (await train.getCompletedCount()) >= 1 && (await train.getActiveCount()) >= 1;
      await waitFor(midSweep, 240_000, "a completed child and an active one");
      killedWhile = `${await train.getCompletedCount()} completed, ${await train.getActiveCount()} active`;
      await own.kill();
      await new Promise((r) => setTimeout(r, 2000));
      await own.start();
    });
    expect(killedWhile).toMatch(/^[12] completed, 1 active$/);
    const { result, children } = oneWorker;
    // Select saw every child: three results, three distinct finished runs, one per variant.
    expect(children).toHaveLength(3);
    const runIds = new Set(children.map((c) => c.runId));
    expect(runIds.size).toBe(3);
    expect(result.variants.map((v) => v.runId).sort()).toEqual([...runIds].sort());
    for (const c of children) {
      const run = await client.getRun(c.runId);
      expect(run.info.status).toBe("FINISHED");
      // Exactly one run carries the child's key, restart or not.
      const withKey = await runsOfKey(client, experiment, tagRecord(run.data.tags)["wsp.job_id"]);
      expect(withKey.map((r) => r.info.status)).toEqual(["FINISHED"]);
    }
    expect(result.trials).toEqual({ sweep: 9, ledger: 9 });
    expect((await readLedger(client, experiment)).size).toBe(9);
    const sweepRun = await client.getRun(result.runId);
    expect(tagRecord(sweepRun.data.tags)["wsp.sweep.winner_run_id"]).toBe(result.winner.runId);
    expect(worker.proc.exitCode).toBeNull();
  });

  it("(b) two worker processes share a sweep: both run children; winner and trials as with one", async () => {
    const redisUrl = inject("testRedisUrl");
    const prefix = prefixB;
    const experiment = `sweep-flow-b-${tag}`;
    await Promise.all([sweepWorker(prefix), sweepWorker(prefix)]);
    // Both are taking train jobs before the sweep arrives.
    await waitFor(async () => (await trainWorkers(redisUrl, prefix)) >= 2, 60_000, "two train workers");
    const two = await runQueuedSweep(redisUrl, prefix, experiment);
    const names = new Set(two.trainJobs.map((j) => j.processedBy));
    expect(two.trainJobs).toHaveLength(3);
    expect(names.size).toBe(2);
    expect(two.children).toHaveLength(3);
    // The same variants, ranked the same, the same trial count, as one worker gave.
    expect(two.result.trials).toEqual(oneWorker.result.trials);
    expect(two.result.winner.label).toBe(oneWorker.result.winner.label);
    expect(two.result.variants.map((v) => [v.label, v.metric])).toEqual(
      oneWorker.result.variants.map((v) => [v.label, v.metric]),
    );
    expect(two.result.pbo).toBe(oneWorker.result.pbo);
  });

  it("wsp submit of a config with a sweep: block queues the flow, once", async () => {
    const redisUrl = inject("testRedisUrl");
    const prefix = uniquePrefix("sweep-cli");
    const dir = mkdtempSync(join(tmpdir(), "wsp-sweep-submit-"));
    const file = join(dir, "sweep.yaml");
    writeFileSync(file, sweepTemplate(`sweep-flow-cli-${tag}`).text);
    const submitOnce = () => {
      const r = spawnSync(process.execPath, ["bin/wsp.js", "submit", file, "--redis", redisUrl, "--prefix", prefix], {
        encoding: "utf8",
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      return r.stdout.trim();
    };
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const select = new Queue("select", { connection, prefix });
    const train = new Queue("train", { connection, prefix });
    try {
      const first = submitOnce();
      const id = /select-[0-9a-f]{32}/.exec(first)?.[0] as string;
      expect(first).toBe(`queued: sweep (select job, one train job per variant) ${id} (waiting-children)`);
      expect(submitOnce()).toBe(
        `already queued: sweep (select job, one train job per variant) ${id} (waiting-children)`,
      );
      const children = await train.getJobs(["waiting"]);
      expect(children).toHaveLength(3);
      expect(children.every((j) => j.parentKey === `${prefix}:select:${id}`)).toBe(true);
      expect(children.map((j) => j.name).sort()).toEqual(VARIANTS.map((d) => `planted-signal.max_depth-${d}`));
      expect((await select.getJob(id))?.data.sweepId).toMatch(/^sweep-[0-9a-f]{12}$/);
    } finally {
      await select.obliterate({ force: true });
      await train.obliterate({ force: true });
      await select.close();
      await train.close();
      connection.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
