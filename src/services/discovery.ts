/**
 * Which PostgreSQL and Redis to use, in one order everywhere (the test suite, and the job runner
 * and forecast service to come): the server the user configured (DATABASE_URL / REDIS_URL),
 * else the machine's own on its default port if it answers, else the project-local one, started
 * here if needed. A configured server that does not answer is an error, never silently replaced.
 *
 * The machine's default ports can be moved with WSP_PG_DEFAULT_PORT and WSP_REDIS_DEFAULT_PORT
 * (a machine running them elsewhere, or a test showing the local fallback).
 */
import { join } from "node:path";
import { maskUrl } from "../store";
import { findRepoRoot } from "./mlflowServer";
import { startLocalPostgres } from "./localPostgres";
import { startLocalRedis } from "./localRedis";
import { ensurePostgresDatabase } from "./postgresDatabase";
import { postgresAnswers, redisAnswers } from "./probes";

export type ServiceSource = "configured" | "machine" | "local";

export interface DiscoveredService {
  url: string;
  source: ServiceSource;
  /** True when this call started the project-local server (whoever started it should stop it). */
  started: boolean;
}

export interface DiscoveryOptions {
  /** Where WSP_PG_DEFAULT_PORT / WSP_REDIS_DEFAULT_PORT are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The user's server; default env.DATABASE_URL or env.REDIS_URL. Pass undefined for none. */
  configured?: string | undefined;
  /** Where `configured` came from, for the error when it does not answer; default that variable. */
  configuredBy?: string;
  /** Repository root holding `.venv/`; default: found from the working directory upwards. */
  repoRoot?: string;
  /** Local services' directory; default `<repo>/.wsp/services`. */
  stateDir?: string;
  /** Port of the project-local server; default LOCAL_POSTGRES_PORT / LOCAL_REDIS_PORT. */
  localPort?: number;
}

function defaultPort(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${variable}: expected a port 1..65535, got '${raw.slice(0, 40)}'`);
  }
  return port;
}

function localDirs(opts: DiscoveryOptions) {
  const repoRoot = opts.repoRoot ?? findRepoRoot();
  return { repoRoot, stateDir: opts.stateDir ?? join(repoRoot, ".wsp", "services") };
}

/**
 * A PostgreSQL URL whose `database` exists (created on the machine's or the local server when
 * missing; a configured URL is used as given).
 */
export async function discoverPostgres(
  opts: DiscoveryOptions & { database?: string } = {},
): Promise<DiscoveredService> {
  const env = opts.env ?? process.env;
  const database = opts.database ?? "wsp";
  const configured = "configured" in opts ? opts.configured : env.DATABASE_URL;
  if (configured) {
    if (await postgresAnswers(configured, 5000)) return { url: configured, source: "configured", started: false };
    const by = opts.configuredBy ?? "DATABASE_URL";
    throw new Error(`PostgreSQL at ${maskUrl(configured)} (${by}) does not answer: start it, or unset ${by}`);
  }
  const machine = `postgres://postgres@127.0.0.1:${defaultPort(env, "WSP_PG_DEFAULT_PORT", 5432)}/postgres`;
  if (await postgresAnswers(machine)) {
    return { url: await ensurePostgresDatabase(machine, database), source: "machine", started: false };
  }
  const local = await startLocalPostgres({ stateDir: localDirs(opts).stateDir, port: opts.localPort });
  return { url: await ensurePostgresDatabase(local.url, database), source: "local", started: local.started };
}

/** A Redis URL that answers PING. */
export async function discoverRedis(opts: DiscoveryOptions = {}): Promise<DiscoveredService> {
  const env = opts.env ?? process.env;
  const configured = "configured" in opts ? opts.configured : env.REDIS_URL;
  if (configured) {
    if (await redisAnswers(configured, 5000)) return { url: configured, source: "configured", started: false };
    const by = opts.configuredBy ?? "REDIS_URL";
    throw new Error(`Redis at ${maskUrl(configured)} (${by}) does not answer: start it, or unset ${by}`);
  }
  const machine = `redis://127.0.0.1:${defaultPort(env, "WSP_REDIS_DEFAULT_PORT", 6379)}`;
  if (await redisAnswers(machine)) return { url: machine, source: "machine", started: false };
  const dirs = localDirs(opts);
  const local = await startLocalRedis({ ...dirs, port: opts.localPort });
  return { url: local.url, source: "local", started: local.started };
}
