/**
 * `wsp queues` and `wsp jobs list|show|logs|retry|cancel`, run as users run them (`node
 * bin/wsp.js`), on a queue prefix of this file's own: a waiting train job (no train worker
 * here) and ingest jobs run by an in-process worker, one of them failed.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { enqueue, startWorkers, type WorkerFleet } from "../../jobs";
import { jobRecord, obliterateQueues, uniquePrefix, waitFor } from "./_jobs";

const prefix = uniquePrefix("cli");
let fleet: WorkerFleet;

function wsp(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(
    process.execPath,
    ["bin/wsp.js", ...args, "--prefix", prefix, "--redis", inject("testRedisUrl")],
    {
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const connection = () => ({ redisUrl: inject("testRedisUrl"), prefix });
let waitingId: string;
let failedId: string;

beforeAll(async () => {
  fleet = await startWorkers({ queues: ["ingest"], redisUrl: inject("testRedisUrl"), prefix, graceMs: 1000 });
  const waiting = await enqueue(
    "train",
    "spy-daily",
    { config: { path: "experiments/spy-daily.yaml" }, key: `train-${"a".repeat(32)}` },
    `train-${"a".repeat(32)}`,
    connection(),
  );
  waitingId = waiting.id;
  await waiting.close();
  const failed = await enqueue("ingest", "missing", { paths: ["data/daily/NOPE.csv"] }, undefined, connection());
  failedId = failed.id;
  await expect(failed.result()).rejects.toThrow(/NOPE\.csv: the path does not exist/);
});

afterAll(async () => {
  await fleet?.close();
  await obliterateQueues(prefix);
});

describe("wsp queues and wsp jobs", () => {
  it("count and list the jobs by queue and state", () => {
    const counts = wsp("queues");
    expect(counts.code).toBe(0);
    const row = (q: string) =>
      counts.out
        .split("\n")
        .find((l) => l.startsWith(q))
        ?.trim()
        .split(/\s+/);
    const header = counts.out.split("\n")[0].trim().split(/\s+/);
    expect(Number(row("train")?.[header.indexOf("waiting")])).toBe(1);
    expect(Number(row("ingest")?.[header.indexOf("failed")])).toBe(1);

    const list = wsp("jobs", "list");
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`train\\s+${waitingId}\\s+spy-daily\\s+waiting`));
    expect(list.out).toMatch(new RegExp(`ingest\\s+${failedId}\\s+missing\\s+failed\\s+1\\s.*NOPE\\.csv`));
  }, 120_000);

  it("show a job's payload and failure, and its log", () => {
    const show = wsp("jobs", "show", `ingest/${failedId}`);
    expect(show.code).toBe(0);
    expect(show.out).toContain(`job ingest/${failedId} (missing): failed`);
    expect(show.out).toContain("attempts: 1 of 3");
    expect(show.out).toContain('payload: {"paths":["data/daily/NOPE.csv"]');
    expect(show.out).toMatch(/failed: DataFormatError: data\/daily\/NOPE\.csv: the path does not exist/);
    const logs = wsp("jobs", "logs", `ingest/${failedId}`);
    expect(logs.out).toMatch(/attempt 1 on \S+ \(pid \d+\)\n.*failed: DataFormatError/);
    const unknown = wsp("jobs", "show", "nope-123");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("no job 'nope-123' in train, ingest, promote");
  }, 120_000);

  it("retry a failed job, refuse to retry a waiting one, cancel a waiting one", async () => {
    const retried = wsp("jobs", "retry", `ingest/${failedId}`);
    expect(retried.out).toContain(`job ingest/${failedId} queued again`);
    await waitFor(async () => (await jobRecord("ingest", prefix, failedId))?.state === "failed", 60_000, "the retry");
    expect((await jobRecord("ingest", prefix, failedId))?.attemptsMade).toBe(1);
    const notFailed = wsp("jobs", "retry", waitingId);
    expect(notFailed.code).toBe(1);
    expect(notFailed.err).toContain(`job train/${waitingId} is waiting: only a failed job is retried`);
    const cancelled = wsp("jobs", "cancel", waitingId);
    expect(cancelled.out).toContain(`job train/${waitingId} (waiting) removed`);
    expect(await jobRecord("train", prefix, waitingId)).toBeNull();
  }, 120_000);
});
