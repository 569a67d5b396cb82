/**
 * Ingest jobs end to end, with the worker started in-process by `startWorkers` (so the sandbox
 * children must get tsx's loader under vitest too): a bundled file and a folder of files go
 * through validation into the suite's PostgreSQL, as `wsp data ingest` writes them; a file with
 * a malformed row fails at once, naming the file and line. Also: a worker refuses a Redis that
 * may evict keys.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { enqueue, startWorkers, type WorkerFleet } from "../../jobs";
import { redisServerBinary } from "../../src/services";
import { openStore } from "../../src/store";
import { freePort } from "../setup/freePort";
import { jobRecord, obliterateQueues, uniquePrefix, waitFor } from "./_jobs";

const prefix = uniquePrefix("ingest");
const schema = `jobs_ingest_${randomBytes(4).toString("hex")}`;
const dir = mkdtempSync(join(tmpdir(), "wsp-jobs-ingest-"));
const databaseUrl = inject("testDatabaseUrl");
let fleet: WorkerFleet;
const savedDatabaseUrl = process.env.DATABASE_URL;

beforeAll(async () => {
  // The children find the fleet's PostgreSQL as every worker does: DATABASE_URL.
  process.env.DATABASE_URL = databaseUrl;
  fleet = await startWorkers({ queues: ["ingest"], redisUrl: inject("testRedisUrl"), prefix, graceMs: 1000 });
});

afterAll(async () => {
  await fleet?.close();
  if (savedDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedDatabaseUrl;
  await obliterateQueues(prefix);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
});

const connection = () => ({ redisUrl: inject("testRedisUrl"), prefix });

describe("an ingest job", () => {
  it("writes a real data file, then a folder of files, into the store", async () => {
    const one = await enqueue("ingest", "vix", { paths: ["data/daily/VIX.csv"], schema }, undefined, connection());
    const r1 = (await one.result()) as { series: number; rows: number; store: string; files: string[] };
    const vixRows = readFileSync("data/daily/VIX.csv", "utf8").trim().split("\n").length - 1;
    expect(r1).toMatchObject({ series: 1, rows: vixRows, files: ["data/daily/VIX.csv"] });
    expect(r1.store).toContain(`schema ${schema}`);

    const folder = join(dir, "drop");
    mkdirSync(folder);
    for (const t of ["SPY", "QQQ"]) copyFileSync(`data/daily/${t}.csv`, join(folder, `${t}.csv`));
    writeFileSync(join(folder, "notes.txt"), "not data\n");
    const two = await enqueue("ingest", "drop", { paths: [folder], schema }, undefined, connection());
    const r2 = (await two.result()) as { series: number; files: string[] };
    expect(r2.series).toBe(2);
    expect(r2.files).toEqual([join(folder, "QQQ.csv"), join(folder, "SPY.csv")]);

    const store = await openStore({ url: databaseUrl, schema });
    try {
      const stored = (await store.listSeries()).map((s) => `${s.ticker} ${s.timeframe} ${s.rows}`).sort();
      expect(stored).toHaveLength(3);
      expect(stored).toContain(`VIX 1d ${vixRows}`);
      const spy = await store.query("SPY", "1d");
      expect(spy.ts.length).toBe(readFileSync("data/daily/SPY.csv", "utf8").trim().split("\n").length - 1);
    } finally {
      await store.close();
    }
  }, 180_000);

  it("fails at once on a malformed file, naming the file and line, and writes nothing", async () => {
    const bad = join(dir, "BAD.csv");
    const lines = readFileSync("data/daily/VIX.csv", "utf8").split("\n").slice(0, 50);
    lines[30] = "1990-02-13,17.5,not-a-number,17.1,17.2";
    writeFileSync(bad, lines.join("\n"));
    const handle = await enqueue("ingest", "bad", { paths: [bad], schema }, undefined, connection());
    await expect(handle.result()).rejects.toThrow(/BAD\.csv:31/);
    const job = await jobRecord("ingest", prefix, handle.id);
    expect(job).toMatchObject({ state: "failed", attemptsMade: 1, attempts: 3 });
    const store = await openStore({ url: databaseUrl, schema });
    try {
      expect((await store.listSeries()).map((s) => s.ticker)).not.toContain("BAD");
    } finally {
      await store.close();
    }
  }, 120_000);

  it("rejects a payload that is neither files nor bundled, naming the field", async () => {
    const handle = await enqueue("ingest", "empty", { paths: [], schema } as never, undefined, connection());
    await expect(handle.result()).rejects.toThrow(/invalid payload: paths: /);
  }, 60_000);
});

describe("a Redis that may evict keys", () => {
  let server: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    server = spawn(
      redisServerBinary(process.cwd()),
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--maxmemory-policy", "allkeys-lru"],
      { stdio: "ignore" },
    );
    await waitFor(async () => (await import("../../src/services")).redisAnswers(url), 30_000, "redis-server");
  });

  afterAll(() => {
    server?.kill("SIGKILL");
  });

  it("is refused at worker start with the fix in the message", async () => {
    await expect(startWorkers({ queues: ["ingest"], redisUrl: url, prefix })).rejects.toThrow(
      /runs maxmemory-policy allkeys-lru; BullMQ needs noeviction .*CONFIG SET maxmemory-policy noeviction/,
    );
  });
});
