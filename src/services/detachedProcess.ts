/**
 * A server process that outlives the command that started it: spawned detached (its own process
 * group), stdio appended to a log file, its pid in a pid file. `wsp services`, the test suite's
 * setup and the MLflow server manager start and stop their servers through these helpers.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from "node:fs";

/** Where a project-local server is, and whether it runs. */
export interface LocalServiceState {
  url: string;
  /** The server's pid while it runs, else null. */
  pid: number | null;
  logPath: string;
}

/**
 * True while a process with this pid exists on this host (EPERM: it exists but belongs to another
 * user). Not a positive integer: false (`kill(0)` would signal this process's own group).
 */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid on the first line of `pidPath` when that process is alive, else null. */
export function readLivePid(pidPath: string): number | null {
  if (!existsSync(pidPath)) return null;
  const pid = Number.parseInt(readFileSync(pidPath, "utf8").split("\n", 1)[0].trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return isAlive(pid) ? pid : null;
}

/** The last lines of a log file, as a suffix for an error message ("" when there is none). */
export function logTail(logPath: string | null, lines = 15): string {
  if (!logPath || !existsSync(logPath)) return "";
  const tail = readFileSync(logPath, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  return tail ? `\nlast lines of ${logPath}:\n${tail}` : "";
}

export interface DetachedSpawn {
  command: string;
  args: string[];
  cwd: string;
  logPath: string;
  /** Written with the child's pid; omit when the server writes its own (PostgreSQL's postmaster.pid). */
  pidPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user and group (only root may); PostgreSQL refuses to run as root. */
  uid?: number;
  gid?: number;
}

export interface DetachedProcess {
  pid: number;
  /** The exit code once the process has exited (128 for a signal), else null. */
  exitCode: () => number | null;
}

/** Starts the server and returns at once; the caller polls it until it answers. */
export function spawnDetached(spec: DetachedSpawn): DetachedProcess {
  const logFd = openSync(spec.logPath, "a");
  let exitCode: number | null = null;
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: spec.env ?? process.env,
      ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid }),
    });
  } finally {
    closeSync(logFd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  child.on("error", () => {
    exitCode ??= 127;
  });
  child.on("exit", (code, signal) => {
    exitCode = code ?? (signal ? 128 : 1);
  });
  child.unref();
  if (spec.pidPath) writeFileSync(spec.pidPath, `${child.pid}\n`);
  return { pid: child.pid, exitCode: () => exitCode };
}

/**
 * Polls `answers()` every 100 ms until it is true; fails at once when the process exits, or after
 * `timeoutMs`, quoting the log's tail either way.
 */
export async function waitUntilAnswering(
  what: string,
  answers: () => Promise<boolean>,
  proc: DetachedProcess,
  timeoutMs: number,
  logPath: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await answers()) return;
    const code = proc.exitCode();
    if (code !== null) throw new Error(`${what} exited with code ${code} before it answered${logTail(logPath)}`);
    if (Date.now() >= deadline) {
      throw new Error(`${what} did not answer within ${Math.round(timeoutMs / 1000)} s${logTail(logPath)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Sends `signal` to the process and waits until it is gone; SIGKILL after `graceMs`. With
 * `group`, the whole process group is signalled (servers that fork workers). Returns false
 * when the process was not running.
 */
export async function stopProcess(
  pid: number,
  signal: NodeJS.Signals,
  graceMs: number,
  group = false,
): Promise<boolean> {
  const target = group ? -pid : pid;
  const send = (s: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(target, s);
      return true;
    } catch {
      return false;
    }
  };
  if (!send(signal)) return false;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!send(0)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  send("SIGKILL");
  return true;
}
