/**
 * Whether a PostgreSQL or Redis server answers at a URL: a real round trip (`SELECT 1`, `PING`)
 * with a short timeout and no retries, so discovery and start-up polling never hang on a
 * closed port or a server still starting.
 */
import { Redis } from "ioredis";
import pg from "pg";

/** True when `url` accepts the connection (credentials, database) and answers `SELECT 1`. */
export async function postgresAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** True when the Redis server at `url` answers `PING` with PONG. */
export async function redisAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
