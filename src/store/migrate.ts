/**
 * Applies pending migrations: each one once, in its own transaction together with its row in
 * `schema_migrations`, under an advisory lock so that two processes opening the same schema at
 * once do not both apply it.
 */
import { type Migration, MIGRATIONS } from "./migrations";
import type { SqlClient } from "./sqlClient";
import { StoreError } from "./storeError";

/** Returns the versions applied by this call (empty when the schema was up to date). */
export async function migrate(
  db: SqlClient,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const lock = `SELECT pg_advisory_xact_lock(hashtext('wsp.migrate.' || $1))`;
  await db.transaction(async (tx) => {
    await tx.query(lock, [schema]);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);`);
  });
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query(lock, [schema]);
      const rows = await tx.query(`SELECT 1 FROM ${schema}.schema_migrations WHERE version = $1`, [m.version]);
      if (rows.length > 0) return false;
      try {
        await tx.exec(m.sql);
      } catch (err) {
        throw new StoreError(
          "migration_failed",
          `migration ${m.version} (${m.name}) failed in schema ${schema}: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      await tx.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
