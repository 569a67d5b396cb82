/**
 * SqlClient over a PostgreSQL server through a `pg` pool. COPY streams through
 * pg-copy-streams; every pooled connection starts with the store's search_path.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import type { SqlClient, SqlQueries, SqlSession } from "./sqlClient";

function queries(db: pg.Pool | pg.PoolClient): SqlQueries {
  return {
    async query(sql, params = []) {
      const res = await db.query({ text: sql, values: [...params], rowMode: "array" });
      return res.rows;
    },
    async exec(sql) {
      await db.query(sql);
    },
  };
}

function session(client: pg.PoolClient): SqlSession {
  return {
    ...queries(client),
    async copyBinary(target, data) {
      const sink = client.query(copyFrom(`COPY ${target} FROM STDIN WITH (FORMAT binary)`));
      await pipeline(Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]), sink);
    },
    async copyOutBinary(select) {
      const chunks: Buffer[] = [];
      for await (const chunk of client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT binary)`))) {
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
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
  return {
    ...queries(pool),
    async transaction(fn) {
      const client = await pool.connect();
      // A connection that cannot even roll back is destroyed, not returned to the pool.
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await fn(session(client));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
