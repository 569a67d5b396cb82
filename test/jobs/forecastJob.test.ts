/**
 * The `forecast` queue and what a promotion schedules and announces, through a real `wsp worker`
 * process (unique prefix) with the suite's MLflow, PostgreSQL (a schema of this file's) and
 * Redis: the planted-signal run promoted by a `promote` job, which upserts `retrain:<model>` and
 * `forecast:<model>` with their defaults (`wsp schedules list` shows both) and announces the
 * change on the prefix's registry channel; then forecast jobs on the champion store one signal
 * per ticker and bar, a rerun from `wsp submit forecast` stores none, and a model reference with
 * no version behind it or a bad payload fails at once, without retries.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { PhaseProgress } from "../../jobs";
import { QUEUES } from "../../jobs/queues";
import { runTracked, type ScoreSummary } from "../../src/pipeline";
import { watchRegistryChanges } from "../../src/serving";
import { openStore, type SignalRecord, type Store } from "../../src/store";
import { ingestPlanted } from "../serving/_champion";
import { plantedSignalConfig } from "../pipeline/plantedSignal";
import { testMlflowUri } from "../setup/testMlflow";
import { postgresTarget, type StoreTarget } from "../store/storeFixtures";
import { killSpawnedWorkers, obliterateQueues, type SpawnedWorker, spawnWorker, uniquePrefix, waitFor } from "./_jobs";

const tag = `forecast-job-${randomBytes(4).toString("hex")}`;
const modelName = `${tag}-model`;
const prefix = uniquePrefix("forecast-jobs");

describe("forecast jobs, and what a promote job schedules and announces", { timeout: 600_000 }, () => {
  let tmp: string;
  let promotedDir: string;
  let target: StoreTarget;
  let store: Store;
  let redis: Redis;
  let forecast: Queue;
  let promote: Queue;
  let worker: SpawnedWorker | null = null;
  let runId: string;

  /** The job once it completed or failed. */
  async function settled(job: Job, on: Queue = forecast): Promise<Job> {
    const id = job.id as string;
    await waitFor(
      async () => ["completed", "failed"].includes(await on.getJobState(id)),
      240_000,
      `${on.name} job ${id}`,
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\nworker output:\n${worker?.output()}`);
    });
    return (await on.getJob(id)) as Job;
  }

  /** Every signal of the store's schema (a few here: one page). */
  async function signals(): Promise<SignalRecord[]> {
    return (await store.listSignals({ limit: 1000 })).signals;
  }

  /** `wsp <args>` against the suite's Redis, this file's prefix and promoted configs. */
  async function wsp(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(
      "node",
      ["bin/wsp.js", ...args, "--redis", inject("testRedisUrl"), "--prefix", prefix],
      { env: { ...process.env, WSP_PROMOTED_DIR: promotedDir } },
    );
    return stdout;
  }

  beforeAll(async () => {
    const uri = await testMlflowUri();
    tmp = mkdtempSync(join(tmpdir(), "wsp-forecast-job-"));
    promotedDir = join(tmp, "promoted");
    const run = await runTracked(plantedSignalConfig(tag, modelName), {
      trackingUri: uri,
      outboxDir: join(tmp, "outbox"),
      progress: false,
      png: false,
    });
    runId = run.runId;
    target = postgresTarget();
    store = await openStore(target.options);
    await ingestPlanted(store);
    redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    forecast = new Queue("forecast", { connection: redis, prefix });
    promote = new Queue("promote", { connection: redis, prefix });
    worker = await spawnWorker(prefix, ["--queues", "promote,forecast"], "wsp", { WSP_PROMOTED_DIR: promotedDir });
  }, 300_000);

  afterAll(async () => {
    killSpawnedWorkers();
    await forecast?.close();
    await promote?.close();
    await obliterateQueues(prefix);
    redis?.disconnect();
    await store?.close();
    await target?.cleanup();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("a promote job makes the champion, schedules its retrain and forecast, and announces the change", async () => {
    const heard: string[] = [];
    const watcher = await watchRegistryChanges(inject("testRedisUrl"), prefix, (model) => heard.push(model));
    try {
      const done = await settled(await promote.add("promote", { runId }, QUEUES.promote.jobOptions), promote);
      expect(done.failedReason).toBeUndefined();
      expect(done.returnvalue).toMatchObject({
        champion: true,
        announced: true,
        schedule: `scheduled retrain:${modelName}: 0 2 * * 0 America/New_York\nscheduled forecast:${modelName}: 15 16 * * 1-5 America/New_York\nscheduled drift:${modelName}: 45 16 * * 1-5 America/New_York`,
      });
      await waitFor(() => heard.includes(modelName), 10_000, "the registry announcement");
    } finally {
      await watcher.close();
    }
    const retrain = new Queue("retrain", { connection: redis, prefix });
    try {
      expect(await retrain.getJobScheduler(`retrain:${modelName}`)).toMatchObject({
        pattern: "0 2 * * 0",
        tz: "America/New_York",
      });
      const scheduled = await forecast.getJobScheduler(`forecast:${modelName}`);
      expect(scheduled).toMatchObject({ name: "forecast", pattern: "15 16 * * 1-5", tz: "America/New_York" });
      expect(scheduled?.template?.data).toEqual({ model: modelName });
      const listed = await wsp("schedules", "list");
      expect(listed).toMatch(
        new RegExp(
          `^${modelName}\\s+retrain\\s+scheduled\\s+0 2 \\* \\* 0 America/New_York\\s+next \\d{4}-.*\\n` +
            `${modelName}\\s+forecast\\s+scheduled\\s+15 16 \\* \\* 1-5 America/New_York\\s+next \\d{4}-`,
        ),
      );
    } finally {
      // Neither fires in this test: the public schema is not this file's.
      await retrain.removeJobScheduler(`retrain:${modelName}`);
      await forecast.removeJobScheduler(`forecast:${modelName}`);
      await retrain.close();
      const drift = new Queue("drift", { connection: redis, prefix });
      await drift.removeJobScheduler(`drift:${modelName}`);
      await drift.close();
    }
  });

  it("a forecast job on the champion stores one signal per ticker and bar, with progress to 100", async () => {
    const done = await settled(
      await forecast.add("forecast", { model: modelName, schema: target.options.schema }, QUEUES.forecast.jobOptions),
    );
    expect(done.failedReason).toBeUndefined();
    const r = done.returnvalue as ScoreSummary;
    expect(r.errors).toEqual([]);
    expect(r.model).toMatchObject({ name: modelName, version: "1", alias: "champion" });
    expect(r.forecasts).toBeGreaterThan(0);
    expect(r.tickers).toBe(r.forecasts);
    expect(r.newSignals).toBe(r.forecasts);
    expect(r.signals.long + r.signals.short + r.signals.none).toBe(r.forecasts);
    expect((done.progress as PhaseProgress).percent).toBe(100);
    const stored = await signals();
    expect(stored).toHaveLength(r.forecasts);
    // The latest stored bar of each ticker, once: the range is that one bar.
    expect(new Set(stored.map((s) => s.symbol)).size).toBe(r.forecasts);
    expect(r.bars?.from).toBe(r.bars?.to);
    expect(stored.every((s) => new Date(s.barTs).toISOString() === r.bars?.to && s.modelVersion === "1")).toBe(true);

    // As of an earlier bar: a signal per ticker at that bar, beside the first.
    const earlier = await settled(
      await forecast.add(
        "forecast",
        { model: `${modelName}/1`, asof: "2024-06-03", schema: target.options.schema },
        QUEUES.forecast.jobOptions,
      ),
    );
    const e = earlier.returnvalue as ScoreSummary;
    expect(e).toMatchObject({ newSignals: r.forecasts, bars: { from: "2024-06-03T00:00:00.000Z" } });
    expect(await signals()).toHaveLength(2 * r.forecasts);
  });

  it("a rerun from `wsp submit forecast --wait` stores nothing new and says so", async () => {
    const before = (await signals()).length;
    const out = await wsp("submit", "forecast", modelName, "--schema", target.options.schema as string, "--wait");
    expect(out).toMatch(/^queued: forecast job \S+ \(\w+\)\n/);
    expect(out).toContain("  newSignals: 0\n");
    expect(out).toContain(`  forecasts: ${before / 2}\n`);
    expect(await signals()).toHaveLength(before);
  });

  it("a model reference with no version behind it, or a bad one, or a bad payload fails at once", async () => {
    const fails = async (data: Record<string, unknown>) => {
      const job = await settled(await forecast.add("forecast", data, QUEUES.forecast.jobOptions));
      expect(await job.getState()).toBe("failed");
      // No retries: the first attempt was the last of three allowed.
      expect([job.attemptsMade, job.opts.attempts]).toEqual([1, 3]);
      return job.failedReason;
    };
    const schema = target.options.schema;
    expect(await fails({ model: `${tag}-nobody`, schema })).toMatch(/^ForecastError: .*promote/);
    expect(await fails({ model: `${modelName}@`, schema })).toContain("ForecastError: model: model reference");
    expect(await fails({ model: modelName, tickers: [], schema })).toContain("invalid payload: tickers:");
  });
});
