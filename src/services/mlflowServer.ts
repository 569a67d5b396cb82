/**
 * The local MLflow tracking server: `mlflow server` from the project venv with a SQLite backend
 * and proxied artifacts under `mlruns/`, started detached (its stdio in a log file, its pid in a
 * pid file) so that `npm start` and CI never hang on it. `MLFLOW_TRACKING_URI` points everything
 * at another server instead, which is then only checked, never started or stopped.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { logTail, readLivePid, spawnDetached, stopProcess } from "./detachedProcess";

export const DEFAULT_MLFLOW_HOST = "127.0.0.1";
export const DEFAULT_MLFLOW_PORT = 5050;

export interface MlflowServerOptions {
  /** Repository root holding `.venv/`; default: found from `process.cwd()` upwards. */
  repoRoot?: string;
  /** Where the database, artifacts, log and pid file live; default `<repo>/mlruns`. */
  storeDir?: string;
  host?: string;
  port?: number;
  /** uvicorn workers; one keeps a 2-core machine usable and serves a research team's UI. */
  workers?: number;
  /** How long to wait for `GET /health` after starting; default 120 s (a cold start on a busy 2-core machine takes 10–30 s). */
  healthTimeoutMs?: number;
  /** Host headers the server accepts (`--allowed-hosts`); MLflow's default is localhost and private IPs. */
  allowedHosts?: string;
}

export interface MlflowServerPaths {
  repoRoot: string;
  storeDir: string;
  dbPath: string;
  artifactsDir: string;
  logPath: string;
  pidPath: string;
  mlflowBin: string;
}

export interface MlflowServerStatus {
  uri: string;
  healthy: boolean;
  /** True when `MLFLOW_TRACKING_URI` names the server: this module does not manage it. */
  external: boolean;
  /** The pid from the pid file when that process is alive, else null. */
  pid: number | null;
  logPath: string | null;
}

export class MlflowServerError extends Error {
  override readonly name = "MlflowServerError";
}

/** The nearest directory from `start` upwards that holds both package.json and requirements.txt. */
export function findRepoRoot(start: string = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "requirements.txt"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new MlflowServerError(
        `no repository root (package.json next to requirements.txt) in ${resolve(start)} or its parents; pass repoRoot`,
      );
    }
    dir = parent;
  }
}

export function mlflowServerPaths(opts: MlflowServerOptions = {}): MlflowServerPaths {
  const repoRoot = opts.repoRoot ? resolve(opts.repoRoot) : findRepoRoot();
  const storeDir = opts.storeDir ? resolve(opts.storeDir) : join(repoRoot, "mlruns");
  return {
    repoRoot,
    storeDir,
    dbPath: join(storeDir, "mlflow.db"),
    artifactsDir: join(storeDir, "artifacts"),
    logPath: join(storeDir, "server.log"),
    pidPath: join(storeDir, "server.pid"),
    mlflowBin: join(repoRoot, ".venv", "bin", "mlflow"),
  };
}

/** The URI of the server the workspace talks to: `MLFLOW_TRACKING_URI` if set, else the local one. */
export function trackingUri(opts: MlflowServerOptions = {}): string {
  const fromEnv = process.env.MLFLOW_TRACKING_URI;
  if (fromEnv) return fromEnv.replace(/\/+$/, "");
  return `http://${opts.host ?? DEFAULT_MLFLOW_HOST}:${opts.port ?? DEFAULT_MLFLOW_PORT}`;
}

/** True when `GET <uri>/health` answers 200 within `timeoutMs`. */
export async function isMlflowHealthy(uri: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`${uri}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Polls `GET /health` until it answers, `timeoutMs` passes, or `exited()` reports that the server
 * process died (then it fails at once instead of waiting out the timeout).
 */
export async function waitForMlflowHealth(
  uri: string,
  timeoutMs: number,
  logPath: string | null = null,
  exited: () => number | null = () => null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await isMlflowHealthy(uri)) return;
    const code = exited();
    if (code !== null) {
      throw new MlflowServerError(
        `mlflow server exited with code ${code} before ${uri}/health answered${logTail(logPath)}`,
      );
    }
    if (Date.now() >= deadline) {
      throw new MlflowServerError(
        `mlflow server did not answer ${uri}/health within ${Math.round(timeoutMs / 1000)} s; see ${logPath ?? "its log"}${logTail(logPath)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface SpawnedMlflowServer {
  uri: string;
  pid: number;
  logPath: string;
  /** The exit code once the process has exited, else null. */
  exitCode: () => number | null;
}

/**
 * Starts `mlflow server` detached without waiting for it (see `startMlflowServer`). The process
 * leads its own process group so that `stopMlflowServer` ends its uvicorn workers with it.
 */
export function spawnMlflowServer(opts: MlflowServerOptions = {}): SpawnedMlflowServer {
  const paths = mlflowServerPaths(opts);
  const host = opts.host ?? DEFAULT_MLFLOW_HOST;
  const port = opts.port ?? DEFAULT_MLFLOW_PORT;
  if (!existsSync(paths.mlflowBin)) {
    throw new MlflowServerError(
      `${paths.mlflowBin} is missing: create the project venv with \`node scripts/bootstrap.mjs\` (run by npm start / npm test)`,
    );
  }
  mkdirSync(paths.artifactsDir, { recursive: true });
  const args = [
    "server",
    "--backend-store-uri",
    `sqlite:///${paths.dbPath}`,
    "--artifacts-destination",
    paths.artifactsDir,
    "--serve-artifacts",
    "--host",
    host,
    "--port",
    String(port),
    "--workers",
    String(opts.workers ?? 1),
  ];
  if (opts.allowedHosts) args.push("--allowed-hosts", opts.allowedHosts);
  const child = spawnDetached({
    command: paths.mlflowBin,
    args,
    cwd: paths.storeDir,
    logPath: paths.logPath,
    pidPath: paths.pidPath,
    // The background job runner serves MLflow's GenAI features only and costs several processes.
    env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false" },
  });
  return { uri: `http://${host}:${port}`, pid: child.pid, logPath: paths.logPath, exitCode: child.exitCode };
}

/**
 * Starts `mlflow server` detached and waits for `/health`. Fails when the venv is missing (run
 * the bootstrap) or the server does not come up (the error quotes the log's tail).
 */
export async function startMlflowServer(opts: MlflowServerOptions = {}): Promise<SpawnedMlflowServer> {
  const server = spawnMlflowServer(opts);
  await waitForMlflowHealth(server.uri, opts.healthTimeoutMs ?? 120_000, server.logPath, server.exitCode);
  return server;
}

export interface EnsuredMlflowServer {
  uri: string;
  /** True when this call started the server; false when one already answered. */
  started: boolean;
  external: boolean;
}

/**
 * Returns a server that answers: the one `MLFLOW_TRACKING_URI` names (never started here; an
 * error if it does not answer), a local one already running, or a newly started local one,
 * which keeps running after this process exits.
 */
export async function ensureMlflowServer(opts: MlflowServerOptions = {}): Promise<EnsuredMlflowServer> {
  if (process.env.MLFLOW_TRACKING_URI) {
    const uri = trackingUri(opts);
    if (await isMlflowHealthy(uri, 5000)) return { uri, started: false, external: true };
    throw new MlflowServerError(
      `MLFLOW_TRACKING_URI=${uri} does not answer on /health; start that server or unset the variable`,
    );
  }
  const uri = trackingUri(opts);
  if (await isMlflowHealthy(uri)) return { uri, started: false, external: false };
  const started = await startMlflowServer(opts);
  return { uri: started.uri, started: true, external: false };
}

export async function mlflowServerStatus(opts: MlflowServerOptions = {}): Promise<MlflowServerStatus> {
  const external = Boolean(process.env.MLFLOW_TRACKING_URI);
  const uri = trackingUri(opts);
  const healthy = await isMlflowHealthy(uri);
  if (external) return { uri, healthy, external, pid: null, logPath: null };
  const paths = mlflowServerPaths(opts);
  return { uri, healthy, external, pid: readLivePid(paths.pidPath), logPath: paths.logPath };
}

/**
 * Stops the local server named by the pid file: SIGTERM to its process group, SIGKILL after
 * `graceMs`. Returns false when no live server was recorded. Never touches an external server.
 */
export async function stopMlflowServer(opts: MlflowServerOptions = {}, graceMs = 10_000): Promise<boolean> {
  const paths = mlflowServerPaths(opts);
  const pid = readLivePid(paths.pidPath);
  rmSync(paths.pidPath, { force: true });
  if (pid === null) return false;
  return stopProcess(pid, "SIGTERM", graceMs, true);
}
