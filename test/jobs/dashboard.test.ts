/**
 * `wsp dashboard` against the suite's Redis and MLflow: bull-board lists every queue and its jobs,
 * each job's "MLflow run" link leads to its run (a finished job's from its result; a queued or
 * running one's through /runs/<queue>/<id>, by the `wsp.job_id` tag), and the server listens on
 * the loopback only.
 */
import { networkInterfaces } from "node:os";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { redisConnection } from "../../jobs/connection";
import { type Dashboard, startDashboard } from "../../jobs/dashboard";
import { QUEUE_NAMES } from "../../jobs/queues";
import { runUrlOf, type TrainJobResult } from "../../src/pipeline";
import { JOB_ID_TAG, MlflowClient } from "../../src/tracking";
import { freePort } from "../setup/freePort";
import { testMlflowUri } from "../setup/testMlflow";

const prefix = `dash-${process.pid}-${Date.now().toString(36)}`;
const experimentName = `dashboard-test-${prefix}`;
let board: Dashboard;
let redis: Redis;
let train: Queue;
let mlflow: MlflowClient;
let mlflowUri: string;
let experimentId: string;
let port: number;

interface ApiJob {
  id: string;
  externalUrl?: { displayText?: string; href: string };
}
interface ApiQueue {
  name: string;
  description?: string;
  jobs: ApiJob[];
}

/** A content key as `wsp submit` makes them (unique per test run). */
function key(n: number): string {
  return `train-${(Date.now() * 1000 + n).toString(16).padStart(16, "0")}`;
}

async function apiJob(id: string): Promise<ApiJob | undefined> {
  const res = await fetch(`${board.url}/api/queues?activeQueue=train&status=latest&page=1&jobsPerPage=50`);
  expect(res.status).toBe(200);
  const { queues } = (await res.json()) as { queues: ApiQueue[] };
  return queues.find((q) => q.name === "train")?.jobs.find((j) => j.id === id);
}

async function runLink(id: string): Promise<Response> {
  const job = await apiJob(id);
  expect(job?.externalUrl?.displayText).toBe("MLflow run");
  const href = job?.externalUrl?.href ?? "";
  return fetch(new URL(href, board.url), { redirect: "manual" });
}

beforeAll(async () => {
  mlflowUri = await testMlflowUri();
  mlflow = new MlflowClient({ trackingUri: mlflowUri });
  experimentId = (await mlflow.getOrCreateExperiment(experimentName)).experiment_id;
  port = await freePort();
  const redisUrl = inject("testRedisUrl");
  board = await startDashboard({ redisUrl, prefix, port, trackingUri: mlflowUri });
  redis = redisConnection(redisUrl);
  train = new Queue("train", { connection: redis, prefix });
});

afterAll(async () => {
  await board?.close();
  await train?.close();
  // Every queue of the prefix: the board's Queue objects wrote their meta keys too.
  for (const name of QUEUE_NAMES) {
    const q = new Queue(name, { connection: redis, prefix });
    await q.obliterate({ force: true });
    await q.close();
  }
  redis?.disconnect();
});

describe("wsp dashboard", () => {
  it("serves bull-board's UI and lists every queue of the prefix", async () => {
    expect(board.url).toBe(`http://127.0.0.1:${port}`);
    const ui = await fetch(`${board.url}/`);
    expect(ui.status).toBe(200);
    const html = await ui.text();
    expect(html).toContain(`<title>wsp queues (${prefix})</title>`);
    const res = await fetch(`${board.url}/api/queues`);
    const { queues } = (await res.json()) as { queues: ApiQueue[] };
    expect(queues.map((q) => q.name).sort()).toEqual([...QUEUE_NAMES].sort());
    expect(queues.find((q) => q.name === "train")?.description).toMatch(/tracked parent run/);
  });

  it("links a queued job to its run through the wsp.job_id tag once the run exists", async () => {
    const id = key(1);
    await train.add("train", { config: { path: "experiments/fixtures/planted-signal.yaml" }, key: id }, { jobId: id });
    const before = await runLink(id);
    expect(before.status).toBe(404);
    expect(await before.text()).toMatch(
      new RegExp(`job train/${id} \\(waiting\\) has no MLflow run .*${JOB_ID_TAG}=${id}`),
    );
    // What a worker's first phase does: a run tagged with the job's key.
    const run = await mlflow.createRun({ experimentId, tags: { [JOB_ID_TAG]: id } });
    const after = await runLink(id);
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toBe(runUrlOf(mlflowUri, experimentId, run.info.run_id));
  });

  it("links a finished job straight to the run its result names", async () => {
    const id = key(2);
    // lifo: taken before the previous test's job, which stays waiting.
    const opts = { jobId: id, lifo: true };
    await train.add("train", { config: { path: "experiments/fixtures/planted-signal.yaml" }, key: id }, opts);
    const run = await mlflow.createRun({ experimentId, tags: { [JOB_ID_TAG]: id } });
    const result: TrainJobResult = {
      runId: run.info.run_id,
      runUrl: runUrlOf(mlflowUri, experimentId, run.info.run_id),
      reused: false,
      killed: [],
      gates: "passed",
      metrics: {},
    };
    // BullMQ's manual processing: take the job and complete it with a train job's result.
    const worker = new Worker("train", null, { connection: redis.duplicate(), prefix });
    try {
      const token = "dashboard-test";
      const job = await worker.getNextJob(token);
      expect(job?.id).toBe(id);
      await job?.moveToCompleted(result, token, false);
    } finally {
      await worker.close();
    }
    const job = await apiJob(id);
    expect(job?.externalUrl?.href).toBe(result.runUrl);
    const viaRoute = await fetch(`${board.url}/runs/train/${id}`, { redirect: "manual" });
    expect(viaRoute.headers.get("location")).toBe(result.runUrl);
  });

  it("says so when MLflow cannot be searched for a job's run", async () => {
    const id = key(3);
    await train.add("train", { config: { path: "experiments/fixtures/planted-signal.yaml" }, key: id }, { jobId: id });
    const deadMlflow = `http://127.0.0.1:${await freePort()}`;
    const blind = await startDashboard({ redisUrl: inject("testRedisUrl"), prefix, port: 0, trackingUri: deadMlflow });
    try {
      const res = await fetch(`${blind.url}/runs/train/${id}`, { redirect: "manual" });
      expect(res.status).toBe(502);
      expect(await res.text()).toContain(`MLflow at ${deadMlflow} could not be searched for job train/${id}'s run`);
    } finally {
      await blind.close();
    }
  });

  it("listens on 127.0.0.1 only", async () => {
    expect(board.address).toEqual({ address: "127.0.0.1", family: "IPv4", port });
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal);
    if (external) {
      await expect(
        fetch(`http://${external.address}:${port}/`, { signal: AbortSignal.timeout(5000) }),
      ).rejects.toThrow();
    }
  });
});
