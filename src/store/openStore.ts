/**
 * Opens the operational store: PostgreSQL when a URL is given or DATABASE_URL is set, otherwise
 * the embedded PGlite under `.wsp/pglite/` of the working directory. Creates the schema and
 * applies pending migrations.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { maskUrl } from "./connectionUrl";
import { migrate } from "./migrate";
import { createPgClient } from "./pgClient";
import { openPgliteClient } from "./pgliteClient";
import type { SqlClient } from "./sqlClient";
import { SqlStore } from "./sqlStore";
import type { Store } from "./store";
import { StoreError } from "./storeError";

export interface OpenStoreOptions {
  /** PostgreSQL URL; default DATABASE_URL. Ignored when `dir` is given. */
  readonly url?: string;
  /** PGlite data directory; giving it selects PGlite even when DATABASE_URL is set. */
  readonly dir?: string;
  /** Schema holding the tables (created if missing); tests use one of their own. Default `public`. */
  readonly schema?: string;
  /** Base for the default PGlite directory; default process.cwd(). */
  readonly cwd?: string;
  /** PostgreSQL connection timeout. */
  readonly connectTimeoutMs?: number;
}

export const DEFAULT_PGLITE_DIR = ".wsp/pglite";
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function errorText(err: unknown): string {
  // Node reports a refused "localhost" (tried on ::1 and 127.0.0.1) as an AggregateError with an empty message.
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(errorText).join("; ");
  if (err instanceof Error) return err.message || (err as { code?: string }).code || err.name;
  return String(err);
}

/** Why connecting failed and what to do about it: a missing database or bad credentials need other fixes than a stopped server. */
function unreachable(url: string, err: unknown): StoreError {
  const code = (err as { code?: string }).code;
  let fix: string;
  if (code === "3D000") {
    const parsed = new URL(url);
    fix = `Create it with \`createdb -h ${parsed.hostname} -p ${parsed.port || "5432"} -U ${parsed.username || "postgres"} ${parsed.pathname.slice(1)}\`, or point DATABASE_URL (or --db) at an existing database.`;
  } else if (code === "28P01" || code === "28000") {
    fix = "Check the user and password in the URL (DATABASE_URL or --db).";
  } else {
    fix =
      "Start it with `sudo pg_ctlcluster <version> main start` (see `pg_lsclusters`), " +
      "or `docker compose up -d postgres` (docker-compose.yml), " +
      "or `npx wsp services up postgres` (a project-local server; README.md gives its URL), " +
      "or unset DATABASE_URL to use the embedded PGlite store under .wsp/pglite/.";
  }
  return new StoreError("unreachable", `cannot connect to PostgreSQL at ${maskUrl(url)}: ${errorText(err)}.\n${fix}`, {
    cause: err,
  });
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const schema = options.schema ?? "public";
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreError("bad_option", `schema '${schema}' must match ${SCHEMA_NAME} (lower-case identifier)`);
  }
  const url = options.dir === undefined ? (options.url ?? process.env.DATABASE_URL) : undefined;
  const searchPath = schema === "public" ? ["public"] : [schema, "public"];

  let db: SqlClient;
  let store: SqlStore;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url) || !URL.canParse(url)) {
      throw new StoreError(
        "bad_option",
        `'${maskUrl(url)}' (from ${options.url === undefined ? "DATABASE_URL" : "the url option (--db)"}) is not a PostgreSQL URL: expected postgres://user:password@host:port/database`,
      );
    }
    db = createPgClient({ url, searchPath, connectTimeoutMs: options.connectTimeoutMs });
    try {
      await db.query("SELECT 1");
    } catch (err) {
      await db.close().catch(() => {});
      throw unreachable(url, err);
    }
    store = new SqlStore(db, "postgres", maskUrl(url), schema);
  } else {
    const dir = resolve(options.cwd ?? process.cwd(), options.dir ?? DEFAULT_PGLITE_DIR);
    mkdirSync(dir, { recursive: true });
    db = await openPgliteClient(dir);
    // One connection: a session-level search_path holds for every later statement.
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${searchPath.join(", ")}`);
    store = new SqlStore(db, "pglite", dir, schema);
  }
  try {
    await migrate(db, schema);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return store;
}
