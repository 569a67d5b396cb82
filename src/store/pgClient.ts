/**
 * SqlClient over a PostgreSQL server through a `pg` pool. COPY streams through
 * pg-copy-streams; every pooled connection starts with the store's search_path.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { SqlClient, SqlSession } from "./sqlClient";

interface PgQueryable {
  query(config: { text: string; values?: unknown[]; rowMode: "array" }): Promise<{ rows: unknown[][] }>;
  query(text: string): Promise<unknown>;
}

function session(
  db: PgQueryable,
  copyClient: () => Promise<{ client: pg.PoolClient; release: () => void }>,
): SqlSession {
  return {
    async query(sql, params = []) {
      const res = await db.query({ text: sql, values: [...params], rowMode: "array" });
      return res.rows;
    },
    async exec(sql) {
      await db.query(sql);
    },
    async copyBinary(target, data) {
      const { client, release } = await copyClient();
      try {
        const sink = client.query(copyFrom(`COPY ${target} FROM STDIN WITH (FORMAT binary)`));
        await pipeline(Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]), sink);
      } finally {
        release();
      }
    },
  };
}

export interface PgClientOptions {
  readonly url: string;
  /** Schemas for every connection's search_path, first one receives new tables. */
  readonly searchPath: readonly string[];
  readonly connectTimeoutMs?: number;
}

export function createPgClient(options: PgClientOptions): SqlClient {
  const pool = new pg.Pool({
    connectionString: options.url,
    // Startup option rather than a SET after connect: every pooled connection gets it atomically.
    options: `-c search_path=${options.searchPath.join(",")}`,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    max: 4,
  });
  // An idle client losing its server connection must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const pooled = async () => {
    const client = await pool.connect();
    return { client, release: () => client.release() };
  };
  return {
    ...session(pool, pooled),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(session(client, async () => ({ client, release: () => {} })));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
