/**
 * `wsp worker`: one BullMQ Worker per queue, each running its processor
 * (jobs/processors/<queue>.ts) sandboxed, in a child process of its own: the tree engine blocks
 * its main thread in Atomics.wait, which in-process would starve the lock renewal and get a
 * healthy job declared stalled. The children are TypeScript: BullMQ forks them with this
 * process's execArgv, which holds tsx's loader under `tsx` or `node --import tsx` but not under
 * `npx wsp` (bin/wsp.js registers tsx in-process) or vitest, so the loader is added when absent.
 *
 * Shutdown (SIGINT/SIGTERM, or `close()`): no new jobs are taken; active jobs get `graceMs` to
 * finish, then go back to the queue (moved to wait: not a failed attempt) and their children
 * are stopped, so another worker runs them from the start (a train job's earlier run is ended
 * KILLED then: pipeline/trainJob.ts).
 */
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { findRepoRoot } from "../src/services";
import {
  cancelChannel,
  checkNoEviction,
  type ConnectionOptions,
  type JobsConnection,
  openConnection,
  redisConnection,
} from "./connection";
import { type EvaluateSchedule, type EvaluateScheduleOptions, upsertEvaluateSchedule } from "./evaluateSchedule";
import { startHeartbeat } from "./heartbeat";
import { QUEUE_NAMES, type QueueName } from "./queues";

export interface WorkerOptions extends ConnectionOptions {
  /** Queues to serve; default all of them. */
  queues?: readonly QueueName[];
  /** Jobs run at once per queue, each in its own child process; default 1 (2 cores, and training uses worker threads). */
  concurrency?: number;
  /** How long active jobs may run on after a shutdown signal before they return to the queue; default 120 s. */
  graceMs?: number;
  /**
   * How long a job's lock lasts without renewal (the child's worker renews it every half of it),
   * and how often workers look for jobs whose lock expired (a dead worker's): BullMQ's 30 s each
   * by default. Tests shorten them to see a stall in seconds.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) and return to the queue before it fails; default 2. */
  maxStalledCount?: number;
  /** A file the worker writes the time to every few seconds while Redis answers (heartbeat.ts); none by default. */
  heartbeatFile?: string;
  /** Told each job's start, completion and failure (`wsp worker` prints them). */
  log?: (line: string) => void;
  /** The worker's name, stored on each job it runs (`job.processedBy`); default `<host>:<pid>`. */
  name?: string;
  /** Serving the evaluate queue: the `evaluate:every` scheduler it upserts (evaluateSchedule.ts); every 5 min on `public` by default. */
  evaluateSchedule?: EvaluateScheduleOptions;
}

export const DEFAULT_GRACE_MS = 120_000;

export interface WorkerFleet {
  readonly prefix: string;
  readonly redisUrl: string;
  readonly queues: readonly QueueName[];
  /** The `evaluate:every` scheduler as upserted, when the fleet serves the evaluate queue. */
  readonly evaluateSchedule: EvaluateSchedule | null;
  /** Stops taking jobs, waits up to `graceMs` for active ones, returns the rest to the queue; gives their ids. */
  close(graceMs?: number): Promise<{ returned: string[] }>;
}

/**
 * The processor file of a queue, found from the repository root (the working directory or a
 * parent), not import.meta: notebooks load jobs/ as CommonJS through tslab, where a module
 * mentioning import.meta fails to load.
 */
export function processorFile(queue: QueueName): string {
  return join(findRepoRoot(), "jobs", "processors", `${queue}.ts`);
}

/** The children's execArgv: this process's, with tsx's loader added when it lacks one. */
export function sandboxExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  if (execArgv.some((a) => a === "tsx" || /[\\/]tsx[\\/]/.test(a))) return [...execArgv];
  const loader = pathToFileURL(createRequire(join(findRepoRoot(), "package.json")).resolve("tsx")).href;
  return [...execArgv, "--import", loader];
}

export async function startWorkers(opts: WorkerOptions = {}): Promise<WorkerFleet> {
  const queues = opts.queues ?? QUEUE_NAMES;
  const fleet = await serveQueues(
    queues.map((queue) => ({ queue, processor: processorFile(queue) })),
    opts,
  );
  if (!queues.includes("evaluate")) return { ...fleet, queues, evaluateSchedule: null };
  const redis = redisConnection(fleet.redisUrl);
  try {
    const evaluateSchedule = await upsertEvaluateSchedule(redis, fleet.prefix, opts.evaluateSchedule);
    return { ...fleet, queues, evaluateSchedule };
  } catch (err) {
    await fleet.close(0);
    throw err;
  } finally {
    redis.disconnect();
  }
}

/** A queue served by a processor file (the job runner's own queues; the jobs benchmark's no-op queue). */
export interface QueueProcessor {
  queue: string;
  processor: string;
}

/** Workers for `served`, with every option and the shutdown protocol of startWorkers. */
export async function serveQueues(
  served: readonly QueueProcessor[],
  opts: Omit<WorkerOptions, "queues"> = {},
): Promise<Omit<WorkerFleet, "queues" | "evaluateSchedule">> {
  const queues = served.map((s) => s.queue);
  const conn = await openConnection(opts);
  try {
    await checkNoEviction(conn.redis, conn.url);
  } catch (err) {
    conn.redis.disconnect();
    throw err;
  }
  const execArgv = sandboxExecArgv();
  const active = new Map<string, Job>();
  const workers = served.map(({ queue, processor }) => {
    const w = new Worker(queue, processor, {
      connection: conn.redis,
      prefix: conn.prefix,
      concurrency: opts.concurrency ?? 1,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: opts.maxStalledCount ?? 2,
      // The children reach this worker's Redis and prefix (a promote job schedules its champion's retrain there).
      workerForkOptions: { execArgv, env: { ...process.env, REDIS_URL: conn.url, WSP_QUEUE_PREFIX: conn.prefix } },
      name: opts.name ?? `${hostname()}:${process.pid}`,
    });
    const log = opts.log ?? (() => undefined);
    w.on("active", (job) => {
      active.set(`${queue}/${job.id}`, job);
      log(`${queue}/${job.id} started (attempt ${job.attemptsStarted})`);
    });
    w.on("completed", (job) => {
      active.delete(`${queue}/${job.id}`);
      log(`${queue}/${job.id} completed`);
    });
    w.on("failed", (job, err) => {
      if (job) active.delete(`${queue}/${job.id}`);
      log(
        `${queue}/${job?.id} failed (attempt ${job?.attemptsMade} of ${job?.opts.attempts ?? 1}): ${err.message.split("\n")[0]}`,
      );
    });
    // Errors the worker recovers from (a lost connection, a lock that moved on): logged, not fatal.
    w.on("error", (err) => process.stderr.write(`worker ${queue}: ${err.message}\n`));
    return w;
  });
  const cancels = await listenForCancels(conn, (queue, id) => {
    const job = active.get(`${queue}/${id}`);
    if (!job) return;
    job.log("cancelled by `wsp jobs cancel`").catch(() => undefined);
    workers[queues.indexOf(queue)]?.cancelJob(id, "wsp jobs cancel");
  });
  const stopHeartbeat = opts.heartbeatFile ? startHeartbeat(opts.heartbeatFile, conn.redis) : () => undefined;
  let closing: Promise<{ returned: string[] }> | null = null;
  const close = (graceMs = opts.graceMs ?? DEFAULT_GRACE_MS) =>
    (closing ??= (async () => {
      // A draining worker takes no jobs: it stops reporting itself healthy.
      stopHeartbeat();
      const closed = Promise.all(workers.map((w) => w.close()));
      const finished = await Promise.race([closed.then(() => true), delay(graceMs).then(() => false)]);
      const returned: string[] = [];
      if (!finished) {
        for (const [key, job] of active) {
          // Back to wait under the lock this worker holds; then the child is stopped (the
          // processor exits on cancel), so the job runs once, elsewhere.
          if (job.token) await job.moveToWait(job.token).catch(() => undefined);
          returned.push(key);
        }
        for (const w of workers) w.cancelAllJobs("worker shutting down");
        // The cancelled children exit at once, which lets close() finish; a child that does not is
        // left to its pool's SIGTERM, then SIGKILL.
        await Promise.race([closed, delay(30_000)]);
      }
      cancels.disconnect();
      conn.redis.disconnect();
      return { returned };
    })());
  return { prefix: conn.prefix, redisUrl: conn.url, close };
}

/** Subscribes to `wsp jobs cancel`'s requests (a connection of its own: a subscriber can do nothing else). */
async function listenForCancels(conn: JobsConnection, cancel: (queue: string, id: string) => void): Promise<Redis> {
  const sub = conn.redis.duplicate();
  sub.on("message", (_channel: string, message: string) => {
    try {
      const { queue, id } = JSON.parse(message) as { queue?: unknown; id?: unknown };
      if (typeof queue === "string" && typeof id === "string") cancel(queue, id);
    } catch {
      // Not a request of ours: ignored.
    }
  });
  await sub.subscribe(cancelChannel(conn.prefix));
  return sub;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
