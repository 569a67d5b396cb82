/**
 * Workers that die or are stopped mid-job, as real `wsp worker` processes (the `npx wsp` entry
 * point) with short lock and stall intervals: a worker killed with SIGKILL mid-train leaves its
 * job to stall detection, another worker runs it, and exactly one FINISHED run carries the job's
 * key (the dead attempt's run ended KILLED); a SIGTERM past the grace period puts the active job
 * back in the queue, and no job is lost across the restart; within the grace period the job
 * finishes.
 */
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { type JobHandle, type PhaseProgress, submit } from "../../jobs";
import type { LoadedConfig, TrainJobResult } from "../../src/pipeline";
import { tagRecord } from "../../src/tracking";
import { plantedSignalConfig } from "../pipeline/plantedSignal";
import { testMlflowUri } from "../setup/testMlflow";
import {
  isAlive,
  killSpawnedWorkers,
  mlflowClient,
  obliterateQueues,
  runsOfKey,
  spawnWorker,
  uniquePrefix,
  waitFor,
} from "./_jobs";

const prefix = uniquePrefix("failures");
const experiment = `jobs-failures-${randomBytes(3).toString("hex")}`;
/** Seconds-long stall detection: a dead worker's job is free again about 3 s after its last lock renewal. */
const FAST_STALLS = ["--queues", "train", "--lock-duration", "3000", "--stalled-interval", "1000"];
let uri: string;

/** The fixture with more trees (a longer training phase to stop a worker in); `trees` also makes each test's key its own. */
function config(trees: number): LoadedConfig {
  return plantedSignalConfig(experiment, undefined, (doc) => doc.setIn(["models", 0, "params", "n_trees"], trees));
}

async function submitted(loaded: LoadedConfig): Promise<{ handle: JobHandle<TrainJobResult>; phases: string[] }> {
  const handle = await submit(loaded, { redisUrl: inject("testRedisUrl"), prefix, png: false });
  const phases: string[] = [];
  handle.on("progress", (p: PhaseProgress) => phases.push(p.phase));
  await handle.watch();
  return { handle, phases };
}

beforeAll(async () => {
  uri = await testMlflowUri();
});

// Each test's workers only: an idle worker left over would take the next test's jobs.
afterEach(killSpawnedWorkers);

afterAll(async () => {
  killSpawnedWorkers();
  await obliterateQueues(prefix);
});

describe("a worker killed with SIGKILL mid-train", () => {
  it("leaves the job to stall detection; another worker runs it; one FINISHED run carries its key", async () => {
    const first = await spawnWorker(prefix, FAST_STALLS);
    const { handle, phases } = await submitted(config(2000));
    await waitFor(() => phases.includes("training"), 120_000, "the training phase");
    const [dying] = await runsOfKey(mlflowClient(uri), experiment, handle.id);
    expect(dying.info.status).toBe("RUNNING");
    const childPid = Number(tagRecord(dying.data.tags)["wsp.pid"]);
    expect(childPid).not.toBe(first.proc.pid);

    first.proc.kill("SIGKILL");
    await first.exited;
    // The sandbox child sees its worker's IPC channel close and exits rather than finish unobserved.
    await waitFor(() => !isAlive(childPid), 30_000, "the orphaned sandbox child to exit");
    expect(await handle.state()).toBe("active");

    const second = await spawnWorker(prefix, FAST_STALLS);
    const result = await handle.result();
    expect(result.reused).toBe(false);
    expect(result.killed).toEqual([dying.info.run_id]);
    const runs = await runsOfKey(mlflowClient(uri), experiment, handle.id);
    const byStatus = runs.map((r) => `${r.info.status} ${r.info.run_id}`).sort();
    expect(byStatus).toEqual([`FINISHED ${result.runId}`, `KILLED ${dying.info.run_id}`]);
    const killed = runs.find((r) => r.info.run_id === dying.info.run_id);
    // Ended by the job's own check, whose reason the dead child's outbox log, replayed next, restates.
    expect(tagRecord(killed?.data.tags)["wsp.error"]).toMatch(/^abandoned: /);
    expect(second.output()).toContain(`train/${handle.id} completed`);
  }, 300_000);
});

describe("graceful shutdown", () => {
  it("past the grace period returns the active job to the queue; after a restart no job is lost", async () => {
    const worker = await spawnWorker(prefix, [...FAST_STALLS, "--grace", "1"]);
    const active = await submitted(config(2001));
    const waiting = await submitted(config(2002));
    await waitFor(() => active.phases.includes("training"), 120_000, "the training phase");
    expect(await waiting.handle.state()).toBe("waiting");

    worker.proc.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain(`returned to the queue: train/${active.handle.id}`);
    const redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    const queue = new Queue("train", { connection: redis, prefix });
    const back = await queue.getJob(active.handle.id);
    expect(await back?.getState()).toBe("waiting");
    // Not a failed attempt: the job was put back, not failed.
    expect(back?.attemptsMade).toBe(0);
    expect(back?.failedReason ?? "").toBe("");

    const restarted = await spawnWorker(prefix, FAST_STALLS);
    const [a, w] = await Promise.all([active.handle.result(), waiting.handle.result()]);
    for (const [handle, result] of [
      [active.handle, a],
      [waiting.handle, w],
    ] as const) {
      const finished = (await runsOfKey(mlflowClient(uri), experiment, handle.id)).filter(
        (r) => r.info.status === "FINISHED",
      );
      expect(finished.map((r) => r.info.run_id)).toEqual([result.runId]);
    }
    expect(restarted.output()).toContain(`train/${active.handle.id} completed`);
    await queue.close();
    redis.disconnect();
  }, 300_000);

  it("within the grace period lets the active job finish before the worker exits", async () => {
    const worker = await spawnWorker(prefix, [...FAST_STALLS, "--grace", "120"]);
    const { handle, phases } = await submitted(config(2003));
    await waitFor(() => phases.includes("training"), 120_000, "the training phase");
    worker.proc.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(await handle.state()).toBe("completed");
    expect(worker.output()).toMatch(new RegExp(`SIGTERM[\\s\\S]*train/${handle.id} completed`));
    expect((await handle.result()).reused).toBe(false);
  }, 300_000);
});
