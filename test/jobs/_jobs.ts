/**
 * For the job runner's tests: real `wsp worker` processes (spawned as users run them, with the
 * suite's Redis, PostgreSQL and MLflow), a queue prefix of the test file's own, and MLflow
 * lookups by a job's key. Every worker spawned is killed and every queue obliterated at the end.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { inject } from "vitest";
import { QUEUE_NAMES, type QueueName } from "../../jobs";
import { JOB_ID_TAG, MlflowClient, type Run } from "../../src/tracking";

/** A prefix no other test file or helper uses on the shared Redis. */
export function uniquePrefix(name: string): string {
  return `wsptest-${name}-${randomBytes(4).toString("hex")}`;
}

export interface SpawnedWorker {
  proc: ChildProcess;
  /** Everything the worker printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

const spawned: ChildProcess[] = [];

/**
 * `node bin/wsp.js worker --prefix <prefix> …` (the `npx wsp` entry point), or with `via`
 * `node --import tsx src/cli.ts`; resolves once it says it serves its queues.
 */
export async function spawnWorker(
  prefix: string,
  args: string[],
  via: "wsp" | "node-import-tsx" = "wsp",
  env: Record<string, string> = {},
): Promise<SpawnedWorker> {
  const entry = via === "wsp" ? ["bin/wsp.js"] : ["--import", "tsx", "src/cli.ts"];
  const proc = spawn(
    process.execPath,
    [...entry, "worker", "--prefix", prefix, "--redis", inject("testRedisUrl"), ...args],
    {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: inject("testDatabaseUrl"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  spawned.push(proc);
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const ready = await Promise.race([
    waitFor(() => /^worker \d+: queues/m.test(out), 90_000).then(() => true),
    exited.then(() => false),
  ]);
  if (!ready) throw new Error(`the worker exited before it was ready:\n${out}`);
  return { proc, output: () => out, exited };
}

export function killSpawnedWorkers(): void {
  for (const p of spawned) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
}

export async function obliterateQueues(prefix: string): Promise<void> {
  const redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
  for (const name of QUEUE_NAMES) {
    const q = new Queue(name, { connection: redis, prefix });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
  redis.disconnect();
}

/** What a job's record says now (a handle's `job` is a snapshot), read over a connection of its own. */
export async function jobRecord(queueName: QueueName, prefix: string, id: string) {
  const redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection: redis, prefix });
  try {
    const job = await queue.getJob(id);
    if (!job) return null;
    return {
      state: await job.getState(),
      attemptsMade: job.attemptsMade,
      attempts: job.opts.attempts,
      failedReason: job.failedReason,
    };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what = "a condition",
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every run of the experiment tagged with the job's key. */
export async function runsOfKey(client: MlflowClient, experiment: string, key: string): Promise<Run[]> {
  const exp = await client.getExperimentByName(experiment);
  if (!exp) return [];
  return client.searchAllRuns({
    experimentIds: [exp.experiment_id],
    filter: `tags.\`${JOB_ID_TAG}\` = '${key}'`,
    runViewType: "ALL",
  });
}

export function mlflowClient(uri: string): MlflowClient {
  return new MlflowClient({ trackingUri: uri });
}

/** Whether a process runs (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
