/**
 * SqlClient over the embedded PGlite (PostgreSQL compiled to WASM, one connection). COPY reads
 * its input from the virtual file `/dev/blob`, which PGlite fills from the `blob` query option,
 * and writes its output there, handed back as the result's `blob`.
 */
import { PGlite } from "@electric-sql/pglite";
import { lockDir } from "./dirLock";
import type { SqlClient, SqlQueries, SqlSession } from "./sqlClient";

interface PgliteQueryable {
  query<T>(
    sql: string,
    params?: unknown[],
    options?: { rowMode?: "array"; blob?: Blob },
  ): Promise<{ rows: T[]; blob?: Blob }>;
  exec(sql: string): Promise<unknown>;
}

function queries(db: PgliteQueryable): SqlQueries {
  return {
    async query(sql, params = []) {
      const res = await db.query<unknown[]>(sql, [...params], { rowMode: "array" });
      return res.rows;
    },
    async exec(sql) {
      await db.exec(sql);
    },
  };
}

function session(tx: PgliteQueryable): SqlSession {
  return {
    ...queries(tx),
    async copyBinary(target, data) {
      await tx.query(`COPY ${target} FROM '/dev/blob' WITH (FORMAT binary)`, [], { blob: new Blob([data]) });
    },
    async copyOutBinary(select) {
      const res = await tx.query(`COPY (${select}) TO '/dev/blob' WITH (FORMAT binary)`);
      if (!res.blob) throw new Error("PGlite returned no blob for COPY TO '/dev/blob'");
      return new Uint8Array(await res.blob.arrayBuffer());
    },
  };
}

/** Opens (creating if needed) the PGlite database stored in `dir`, locked to this process until closed. */
export async function openPgliteClient(dir: string): Promise<SqlClient> {
  const unlock = lockDir(dir);
  let db: PGlite;
  try {
    db = await PGlite.create(dir);
  } catch (err) {
    unlock();
    throw err;
  }
  return {
    ...queries(db),
    transaction: (fn) => db.transaction((tx) => fn(session(tx))),
    async close() {
      try {
        await db.close();
      } finally {
        unlock();
      }
    },
  };
}
