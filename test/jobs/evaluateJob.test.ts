/**
 * The feedback loop's `evaluate` queue through a real `wsp worker` (unique prefix) with the
 * suite's MLflow, PostgreSQL (a schema of this file's) and Redis, on the planted-signal
 * champion: eight daily signals stored by a Forecaster, the last five of them not yet matured in
 * the stored bars. The worker sets `evaluate:every` (every 5 minutes by default; `wsp schedules
 * list` shows it) and its first firing stores the three matured outcomes; an ingest job of three
 * new sessions (CSV files) queues `evaluate-after-<ingest job id>`, which stores exactly the three
 * signals those bars mature; `wsp data ingest --evaluate` of the last two sessions queues one that
 * stores the last two. A bad payload fails at once; `--evaluate` on the embedded store is refused
 * before anything is written. Apart: the scheduler upserted with another interval and schema is
 * still one scheduler when set again, and a bad interval or schema is refused.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  DEFAULT_EVALUATE_EVERY_MINUTES,
  EVALUATE_SCHEDULER_ID,
  QUEUES,
  readEvaluateSchedule,
  upsertEvaluateSchedule,
} from "../../jobs";
import { type Bars, barsBetween, DAY_MS, isoDate, plantedSignalMarket } from "../../src/data";
import { type EvaluationSummary, Forecaster } from "../../src/pipeline";
import { openStore, type Store } from "../../src/store";
import { MlflowClient } from "../../src/tracking";
import { type Champion, ingestPlanted, trainChampion } from "../serving/_champion";
import { testMlflowUri } from "../setup/testMlflow";
import { postgresTarget, type StoreTarget } from "../store/storeFixtures";
import { killSpawnedWorkers, obliterateQueues, type SpawnedWorker, spawnWorker, uniquePrefix, waitFor } from "./_jobs";

const HORIZON = 5;
const prefix = uniquePrefix("evaluate-jobs");
const market = plantedSignalMarket();
const sessions = [...market.asset.ts];
/** The last session stored at first. */
const CUT = Date.parse("2024-10-31");
const cutIndex = sessions.indexOf(CUT);
/** Eight forecasts, at the last eight sessions up to CUT. */
const forecastBars = sessions.slice(cutIndex - 7, cutIndex + 1);
/** The sessions an ingest job adds, then the ones `wsp data ingest --evaluate` adds. */
const jobSessions = sessions.slice(cutIndex + 1, cutIndex + 4);
const cliSessions = sessions.slice(cutIndex + 4, cutIndex + 6);

/** A single-ticker CSV (the bundled files' layout) of `bars` within [from, to]. */
function csvOf(bars: Bars, from: number, to: number): string {
  const b = barsBetween(bars, from, to + 1);
  const header = b.volume ? "date,open,high,low,close,volume" : "date,open,high,low,close";
  const rows = Array.from(b.ts, (t, i) =>
    [isoDate(t), b.open[i], b.high[i], b.low[i], b.close[i], ...(b.volume ? [b.volume[i]] : [])].join(","),
  );
  return `${[header, ...rows].join("\n")}\n`;
}

/** A folder holding PLNT.csv and SENT.csv of the sessions given. */
function sessionFiles(dir: string, days: readonly number[]): string {
  mkdirSync(dir);
  for (const bars of [market.asset, market.context]) {
    writeFileSync(join(dir, `${bars.ticker}.csv`), csvOf(bars, days[0], days[days.length - 1]));
  }
  return dir;
}

describe("evaluate jobs: every N minutes and after each ingest", { timeout: 600_000 }, () => {
  let tmp: string;
  let champion: Champion;
  let target: StoreTarget;
  let store: Store;
  let redis: Redis;
  let evaluate: Queue;
  let ingest: Queue;
  let worker: SpawnedWorker | null = null;
  let schema: string;

  /** The job once it completed or failed. */
  async function settled(queue: Queue, id: string): Promise<Job> {
    await waitFor(
      async () => ["completed", "failed"].includes(await queue.getJobState(id)),
      240_000,
      `${queue.name} job ${id}`,
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\nworker output:\n${worker?.output()}`);
    });
    return (await queue.getJob(id)) as Job;
  }

  /** The bar times of the stored outcomes, ascending. */
  async function outcomeBars(): Promise<number[]> {
    const outcomes = await store.recentOutcomes({ model: champion.modelName, includeUnlabelled: true, limit: 1000 });
    return outcomes.map((o) => o.barTs).sort((a, b) => a - b);
  }

  /** The forecast bars whose horizon has passed in the stored bars: what an evaluation can mature. */
  async function maturedInStore(): Promise<number[]> {
    const ts = [...(await store.query("PLNT", "1d")).ts];
    const last = ts.length - 1;
    return forecastBars.filter((t) => ts.indexOf(t) + HORIZON <= last);
  }

  /** `wsp <args>` with the suite's Redis and this file's prefix (REDIS_URL and WSP_QUEUE_PREFIX, as a user sets them). */
  async function wsp(args: string[], env: Record<string, string | undefined> = {}) {
    return promisify(execFile)("node", ["bin/wsp.js", ...args], {
      env: {
        ...process.env,
        REDIS_URL: inject("testRedisUrl"),
        WSP_QUEUE_PREFIX: prefix,
        WSP_PROMOTED_DIR: join(tmp, "promoted"),
        ...env,
      },
    });
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "wsp-evaluate-job-"));
    const uri = await testMlflowUri();
    const client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    champion = await trainChampion(uri);
    target = postgresTarget();
    schema = target.options.schema as string;
    store = await openStore(target.options);
    await ingestPlanted(store, Number.NEGATIVE_INFINITY, CUT + DAY_MS);
    const forecaster = await Forecaster.open({ store, client, model: champion.modelName, pollMs: 0, refreshMs: 0 });
    try {
      for (const t of forecastBars) await forecaster.forecast({ ticker: "PLNT", asof: isoDate(t) });
    } finally {
      forecaster.close();
    }
    const { signals } = await store.listSignals({ ticker: "PLNT", limit: 1000 });
    expect(signals.map((s) => s.barTs).sort((a, b) => a - b)).toEqual(forecastBars);
    redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    evaluate = new Queue("evaluate", { connection: redis, prefix });
    ingest = new Queue("ingest", { connection: redis, prefix });
    // The scheduled evaluations read this file's schema, not the shared database's public one.
    worker = await spawnWorker(prefix, ["--queues", "ingest,evaluate", "--evaluate-schema", schema]);
  }, 400_000);

  afterAll(async () => {
    killSpawnedWorkers();
    await evaluate?.close();
    await ingest?.close();
    await obliterateQueues(prefix);
    redis?.disconnect();
    await store?.close();
    await target?.cleanup();
    champion?.cleanup();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("the worker sets evaluate:every with its default, listed, and its first firing stores the matured outcomes", async () => {
    const scheduler = await evaluate.getJobScheduler(EVALUATE_SCHEDULER_ID);
    expect(DEFAULT_EVALUATE_EVERY_MINUTES).toBe(5);
    expect(scheduler).toMatchObject({ name: "evaluate", every: 300_000 });
    expect(scheduler?.template?.data).toEqual({ schema });
    expect(worker?.output()).toContain(`${EVALUATE_SCHEDULER_ID}: every 5 min on schema ${schema}`);
    const { stdout } = await wsp(["schedules", "list"]);
    expect(stdout).toMatch(
      new RegExp(
        `^\\(every model\\) evaluate:every\\s+evaluate\\s+scheduled\\s+every 300000 ms \\(schema ${schema}\\)\\s+next \\d{4}-`,
        "m",
      ),
    );

    // An `every` scheduler fires when it is set: its job is the scheduler's first.
    let first: Job | undefined;
    await waitFor(
      async () => {
        const done = await evaluate.getJobs(["completed", "failed"]);
        first = done.find((j) => j.repeatJobKey === EVALUATE_SCHEDULER_ID);
        return first !== undefined;
      },
      240_000,
      "the scheduler's first evaluate job",
    );
    const job = first as Job;
    expect(job.failedReason).toBeUndefined();
    const r = job.returnvalue as EvaluationSummary;
    const matured = await maturedInStore();
    expect(matured).toEqual(forecastBars.slice(0, 3));
    expect(r).toMatchObject({ stored: 3, pending: 5, skipped: [] });
    expect(r.versions).toEqual([
      expect.objectContaining({ model: champion.modelName, version: champion.version, examined: 8, stored: 3 }),
    ]);
    expect(r.versions[0].n).toBe(3);
    // Fewer than 100 matured: no rolling accuracy yet, the partial window's figures only.
    expect(r.versions[0].rollingAccuracy).toBeNull();
    expect(r.versions[0].brier).not.toBeNull();
    expect(await outcomeBars()).toEqual(matured);
  });

  it("an ingest job of new bars queues an evaluation that stores exactly the outcomes they mature", async () => {
    const files = sessionFiles(join(tmp, "batch1"), jobSessions);
    // Read before the ingest: its evaluation may run as soon as the ingest job ends.
    const before = await outcomeBars();
    const added = await ingest.add("ingest", { paths: [files], schema }, QUEUES.ingest.jobOptions);
    const done = await settled(ingest, added.id as string);
    expect(done.failedReason).toBeUndefined();
    expect(done.returnvalue).toMatchObject({ series: 2, rows: 6, evaluate: `evaluate-after-${added.id}` });

    const job = await settled(evaluate, `evaluate-after-${added.id}`);
    expect(job.failedReason).toBeUndefined();
    const matured = await maturedInStore();
    const expected = matured.filter((t) => !before.includes(t));
    expect(expected).toEqual(forecastBars.slice(3, 6));
    expect(job.returnvalue).toMatchObject({ stored: expected.length, pending: 2 });
    expect(await outcomeBars()).toEqual(matured);
    // No firing of the scheduler in between took these outcomes: its next one is minutes away.
    const scheduled = (await evaluate.getJobs(["completed"])).filter((j) => j.repeatJobKey === EVALUATE_SCHEDULER_ID);
    expect(scheduled).toHaveLength(1);
  });

  it("`wsp data ingest --evaluate` queues the evaluation that stores the last outcomes", async () => {
    const files = sessionFiles(join(tmp, "batch2"), cliSessions);
    const { stdout } = await wsp([
      "data",
      "ingest",
      join(files, "PLNT.csv"),
      join(files, "SENT.csv"),
      "--db",
      inject("testDatabaseUrl"),
      "--schema",
      schema,
      "--evaluate",
    ]);
    const id = /^evaluate job (evaluate-after-ingest-run-\S+) queued \(schema (\S+)\)$/m.exec(stdout);
    expect(id?.[2], stdout).toBe(schema);
    const job = await settled(evaluate, id?.[1] as string);
    expect(job.failedReason).toBeUndefined();
    expect(job.returnvalue).toMatchObject({ stored: 2, pending: 0 });
    expect(await outcomeBars()).toEqual(forecastBars);
  });

  it("a bad payload fails at once, naming the field", async () => {
    const fails = async (data: Record<string, unknown>) => {
      const added = await evaluate.add("evaluate", data, QUEUES.evaluate.jobOptions);
      const job = await settled(evaluate, added.id as string);
      expect(await job.getState()).toBe("failed");
      expect([job.attemptsMade, job.opts.attempts]).toEqual([1, 3]);
      return job.failedReason;
    };
    expect(await fails({ schema: "Not-A-Schema" })).toContain("invalid payload: schema: expected a lower-case SQL");
    expect(await fails({ model: "", schema })).toContain("invalid payload: model: expected a registered model name");
  });

  it("`--evaluate` on the embedded store is refused before anything is written", async () => {
    const dir = join(tmp, "pglite");
    const run = wsp(["data", "ingest", join(tmp, "batch1", "PLNT.csv"), "--dir", dir, "--evaluate"], {
      DATABASE_URL: undefined,
    });
    await expect(run).rejects.toMatchObject({
      stderr: expect.stringContaining("--evaluate: the evaluate job runs on a worker"),
    });
    await expect(run.catch((e: { stdout: string }) => e.stdout)).resolves.not.toContain("ingested");
  });
});

describe("the evaluate:every scheduler as a worker upserts it", () => {
  const own = uniquePrefix("evaluate-schedule");
  let redis: Redis;
  let queue: Queue;

  beforeAll(() => {
    redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    queue = new Queue("evaluate", { connection: redis, prefix: own });
  });

  afterAll(async () => {
    await queue?.close();
    await obliterateQueues(own);
    redis?.disconnect();
  });

  it("takes another interval and schema, stays one scheduler when set again, and refuses bad ones", async () => {
    const set = () => upsertEvaluateSchedule(redis, own, { everyMinutes: 2, schema: "feed_b" });
    const first = await set();
    const again = await set();
    expect(first).toMatchObject({ everyMs: 120_000, data: { schema: "feed_b" } });
    expect(again).toMatchObject({ everyMs: 120_000, data: { schema: "feed_b" } });
    expect(await queue.getJobSchedulersCount()).toBe(1);
    expect(await readEvaluateSchedule(queue)).toMatchObject({ everyMs: 120_000, data: { schema: "feed_b" } });
    await expect(upsertEvaluateSchedule(redis, own, { everyMinutes: 0 })).rejects.toThrow(
      "evaluate:every every 0 min: expected a whole number of minutes ≥ 1",
    );
    await expect(upsertEvaluateSchedule(redis, own, { schema: "Feed" })).rejects.toThrow(
      "evaluate:every schema 'Feed': expected a lower-case SQL identifier",
    );
    // The refused ones changed nothing.
    expect(await readEvaluateSchedule(queue)).toMatchObject({ everyMs: 120_000, data: { schema: "feed_b" } });
  });
});
