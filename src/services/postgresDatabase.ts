/** A database that tests or the workspace need on a PostgreSQL server, created when missing. */
import pg from "pg";

/** Returns `url` with `database` as its path once that database exists on the server. */
export async function ensurePostgresDatabase(url: string, database: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) {
    throw new Error(`database name '${database.slice(0, 60)}' is not a plain lower-case identifier`);
  }
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${database}`);
      } catch (err) {
        // Two processes creating it at once: the other one won, which is what was wanted.
        // (42P04 duplicate_database, or 23505 when both passed the check at the same instant).
        const code = (err as { code?: string }).code;
        if (code !== "42P04" && code !== "23505") throw err;
      }
    }
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${database}`;
  return target.toString();
}
