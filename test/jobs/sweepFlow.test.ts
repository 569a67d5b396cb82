/**
 * A sweep queued as a flow and run by real `wsp worker` processes (sandboxed children), on the
 * planted-signal fixture with three variants: (a) on a Redis of the test's own, SIGKILLed and
 * restarted while a child trains, the sweep completes and select sees every child; (b) two
 * worker processes on the suite's Redis share a sweep: both run children, and the winner and the
 * trial count are those of (a)'s one worker.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
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
import { type OwnRedis, startOwnRedis } from "./ownRedis";

const tag = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const VARIANTS = [1, 2, 3];

function sweepTemplate(experiment: string) {
  return plantedSignalConfig(experiment, undefined, (doc) => {
    doc.set("sweep", { mode: "grid", params: { "models[0].params.max_depth": VARIANTS } });
  });
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 240_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await cond().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface WorkerProcess {
  proc: ChildProcess;
  output: string[];
}

const workers: WorkerProcess[] = [];

function startWorker(redisUrl: string, prefix: string, trackingUri: string): WorkerProcess {
  const proc = spawn(
    process.execPath,
    ["bin/wsp.js", "worker", "--queues", "train,select", "--redis", redisUrl, "--prefix", prefix, "--grace", "5"],
    { env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const w = { proc, output: [] as string[] };
  proc.stdout?.on("data", (d: Buffer) => w.output.push(d.toString()));
  proc.stderr?.on("data", (d: Buffer) => w.output.push(d.toString()));
  workers.push(w);
  return w;
}

async function stopWorker(w: WorkerProcess): Promise<void> {
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => w.proc.once("exit", () => r()));
  w.proc.kill("SIGTERM");
  const timer = setTimeout(() => w.proc.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
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
    await waitFor("the select job", async () => ["completed", "failed"].includes(await handle.state()));
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
  let trackingUri: string;
  let client: MlflowClient;
  let own: OwnRedis;
  let oneWorker: SweepRun;

  beforeAll(async () => {
    trackingUri = await testMlflowUri();
    client = new MlflowClient({ trackingUri, backoffMs: 20 });
    own = await startOwnRedis();
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) await stopWorker(w);
    await own?.dispose();
  }, 60_000);

  it("(a) Redis killed and restarted mid-sweep: the sweep completes and select sees every child", async () => {
    const prefix = `sweepflow-a-${tag}`;
    const experiment = `sweep-flow-a-${tag}`;
    const worker = startWorker(own.url, prefix, trackingUri);
    await waitFor("the worker", async () => (await trainWorkers(own.url, prefix)) >= 1, 60_000);
    let killedWhile = "";
    oneWorker = await runQueuedSweep(own.url, prefix, experiment, async (train) => {
      // Mid-sweep: one child done, the next one training.
      await waitFor(
        "a completed child and an active one",
        async () => (await train.getCompletedCount()) >= 1 && (await train.getActiveCount()) >= 1,
      );
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
      // Exactly one FINISHED run carries the child's key, restart or not.
      const jobId = tagRecord(run.data.tags)["wsp.job_id"];
      const withKey = await client.searchAllRuns({
        experimentIds: [run.info.experiment_id],
        filter: `tags.\`wsp.job_id\` = '${jobId}' and attributes.status = 'FINISHED'`,
      });
      expect(withKey).toHaveLength(1);
    }
    expect(result.trials).toEqual({ sweep: 9, ledger: 9 });
    expect((await readLedger(client, experiment)).size).toBe(9);
    const sweepRun = await client.getRun(result.runId);
    expect(tagRecord(sweepRun.data.tags)["wsp.sweep.winner_run_id"]).toBe(result.winner.runId);
    expect(worker.proc.exitCode).toBeNull();
  });

  it("(b) two worker processes share a sweep: both run children; winner and trials as with one", async () => {
    const redisUrl = inject("testRedisUrl");
    const prefix = `sweepflow-b-${tag}`;
    const experiment = `sweep-flow-b-${tag}`;
    startWorker(redisUrl, prefix, trackingUri);
    startWorker(redisUrl, prefix, trackingUri);
    await waitFor("two workers", async () => (await trainWorkers(redisUrl, prefix)) >= 2, 60_000);
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
    const prefix = `sweepflow-cli-${tag}`;
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
