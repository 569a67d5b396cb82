import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { loadBundled, tickerProblem } from "../../src/data";
import { MIGRATIONS, openStore } from "../../src/store";
import { migrate } from "../../src/store/migrate";
import { createPgClient } from "../../src/store/pgClient";
import { openPgliteClient } from "../../src/store/pgliteClient";
import type { SqlClient } from "../../src/store/sqlClient";
import { SqlStore } from "../../src/store/sqlStore";
import { barsDifference, pgliteTarget, postgresTarget, TEST_DATABASE_URL } from "./storeFixtures";

const versions = MIGRATIONS.map((m) => m.version);

async function checkMigrations(db: SqlClient, schema: string): Promise<void> {
  expect(await migrate(db, schema)).toEqual(versions);
  expect(await migrate(db, schema)).toEqual([]);
  const rows = await db.query(`SELECT version, name FROM ${schema}.schema_migrations ORDER BY version`);
  expect(rows).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
  const tables = await db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  expect(tables.map((r) => r[0])).toEqual([
    "bars",
    "drift_monitoring",
    "runs",
    "schema_migrations",
    "series",
    "signal_outcomes",
    "trading_signals",
  ]);
  const key = await db.query(
    `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [`${schema}.bars`],
  );
  expect(key.map((r) => r[0])).toEqual(["ticker", "timeframe", "ts"]);
  const tsType = await db.query(
    `SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'bars' AND column_name = 'ts'`,
    [schema],
  );
  expect(tsType).toEqual([["timestamp with time zone"]]);
  // Signal times are timestamptz like the bars they refer to.
  const signalTimes = await db.query(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = 'trading_signals' AND column_name LIKE ANY ('{%_at,%_ts}') ORDER BY column_name`,
    [schema],
  );
  expect(signalTimes).toEqual(
    ["bar_ts", "created_at", "expired_at", "expires_at"].map((c) => [c, "timestamp with time zone"]),
  );
  await checkTickerRule(db, schema);
}

/**
 * The bars table's ticker CHECK is the database's copy of src/data/ticker.ts: it accepts every
 * ticker the rule accepts, and refuses the same ones but for control characters, which only the
 * rule names (PostgreSQL text cannot hold a NUL anyway).
 */
async function checkTickerRule(db: SqlClient, schema: string): Promise<void> {
  const [[definition]] = await db.query(
    `SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
     WHERE c.conrelid = $1::regclass AND c.contype = 'c' AND pg_get_constraintdef(c.oid) LIKE '%ticker%'`,
    [`${schema}.bars`],
  );
  const pattern = /'(\^.*\$)'/.exec(String(definition))?.[1];
  expect(pattern).toBeDefined();
  const samples = [
    "SPY",
    "BRK.B",
    "^VIX",
    "X".repeat(32),
    "X".repeat(33),
    "",
    "SPY DIA",
    "A,B",
    "A\tB",
    "SPY';--",
    "ÄÖ",
  ];
  const rows = await db.query("SELECT t, t ~ $2 FROM unnest($1::text[]) AS t", [samples, pattern]);
  for (const [ticker, accepted] of rows) expect(tickerProblem(String(ticker)) === null, String(ticker)).toBe(accepted);
  expect(tickerProblem("A\u0001B")).not.toBeNull();
}

describe("migrations", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it("apply once each on PostgreSQL, in the given schema", async () => {
    const target = postgresTarget();
    cleanups.push(target.cleanup);
    const schema = target.options.schema!;
    const db = createPgClient({ url: TEST_DATABASE_URL, searchPath: [schema, "public"] });
    try {
      await checkMigrations(db, schema);
    } finally {
      await db.close();
    }
  });

  // One PGlite directory for all PGlite cases: creating one runs initdb, seconds on a loaded machine.
  it("apply once each on PGlite, stay applied after reopening (one process per directory), and roll a failing one back", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "wsp-migrate-"));
    cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
    const dir = join(tmp, "pglite");
    const open = async () => {
      const db = await openPgliteClient(dir);
      await db.exec("CREATE SCHEMA IF NOT EXISTS wsp_m; SET search_path TO wsp_m, public");
      return db;
    };
    const db = await open();
    await checkMigrations(db, "wsp_m");
    await db.close();
    // A lock left by a process that has gone is taken over; a live holder makes a second open fail.
    writeFileSync(`${dir}.lock`, "999999999\n");
    const again = await open();
    try {
      await expect(openPgliteClient(dir)).rejects.toThrow(
        new RegExp(`the PGlite store ${dir} is open in process ${process.pid} \\(this one\\)`),
      );
      expect(await migrate(again, "wsp_m")).toEqual([]);
      const broken = [
        ...MIGRATIONS,
        { version: 99, name: "broken", sql: "CREATE TABLE half (x int); SELECT no_such_function();" },
      ];
      await expect(migrate(again, "wsp_m", broken)).rejects.toThrow(/migration 99 \(broken\) failed in schema wsp_m/);
      expect(await again.query(`SELECT to_regclass('wsp_m.half')::text`)).toEqual([[null]]);
      expect(await again.query(`SELECT max(version) FROM wsp_m.schema_migrations`)).toEqual([[MIGRATIONS.length]]);
    } finally {
      await again.close();
    }
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });
});

describe.each([
  ["postgres", postgresTarget],
  ["pglite", pgliteTarget],
] as const)("the trading_signals migration on a %s store made before it", (_name, makeTarget) => {
  const target = makeTarget();
  afterAll(() => target.cleanup());

  it("applies alone, keeps the stored bars, and the store then keeps signals", async () => {
    const schema = target.options.schema ?? "public";
    const older = MIGRATIONS.filter((m) => m.version < 6);
    const db =
      target.name === "postgres"
        ? createPgClient({ url: TEST_DATABASE_URL, searchPath: [schema, "public"] })
        : await openPgliteClient(target.options.dir!);
    const spy = loadBundled("SPY", "1d");
    try {
      expect(await migrate(db, schema, older)).toEqual(older.map((m) => m.version));
      await new SqlStore(db, target.name, "before 0006", schema).ingest([spy], { source: "bundled" });
      // 0006 and the migrations after it, which build on its table.
      expect(await migrate(db, schema)).toEqual(versions.filter((v) => v >= 6));
    } finally {
      await db.close();
    }
    const store = await openStore(target.options);
    try {
      expect(barsDifference(await store.query("SPY", "1d"), spy)).toBeNull();
      const i = spy.ts.length - 10;
      const features = { ret_1: spy.close[i] / spy.close[i - 1] - 1 };
      const signal = {
        symbol: "SPY",
        signalType: "long",
        confidence: 0.6,
        targetPrice: spy.close[i] * 1.02,
        stopLoss: spy.close[i] * 0.99,
        positionSize: 0.1,
        reasoning: "upgrade path",
        modelName: "gbm_daily",
        modelVersion: "1",
        barTs: spy.ts[i],
        features,
        featureHash: createHash("sha256").update(JSON.stringify(features)).digest("hex"),
        probabilities: { down: 0.4, up: 0.6 },
        regime: null,
        expiresAt: spy.ts[i + 5],
        createdAt: spy.ts[i] + 1,
      } as const;
      const { id, inserted } = await store.insertSignal(signal);
      expect(inserted).toBe(true);
      const { signals } = await store.listSignals({ ticker: "SPY" });
      expect(signals.map((s) => [s.id, s.status])).toEqual([[id, "expired"]]);
    } finally {
      await store.close();
    }
  });
});
