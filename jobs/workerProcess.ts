/**
 * A `wsp worker` as a child process, for notebooks (and anything else that wants a worker of its
 * own for a while): the same entry point users run (`bin/wsp.js worker`), so its processors run
 * sandboxed as in production, which an in-process worker in a notebook kernel would not give
 * cleanly. `stop()` sends SIGTERM: the worker's graceful shutdown (worker.ts).
 *
 * Notebooks load this module through tslab as CommonJS: no import.meta, no top-level await.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { findRepoRoot } from "../src/services";
import type { QueueName } from "./queues";

export interface WorkerProcessOptions {
  /** Queue key prefix the worker serves (`--prefix`). */
  prefix: string;
  /** Redis URL (`--redis`); default: found as `wsp worker` finds it. */
  redisUrl?: string;
  /** Queues to serve (`--queues`); default all. */
  queues?: readonly QueueName[];
  /** Jobs at once per queue (`--concurrency`); default 1. */
  concurrency?: number;
  /** Seconds active jobs may finish after stop() (`--grace`); default 10: a notebook's jobs are small. */
  graceS?: number;
  /** How long to wait for the worker to say it serves its queues; default 90 s (it may start MLflow first). */
  readyTimeoutMs?: number;
  /** Told each line the worker prints (job starts, completions, failures). */
  log?: (line: string) => void;
}

export interface WorkerProcess {
  readonly pid: number;
  /** Everything the worker printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code (null when it died by a signal). */
  stop(): Promise<number | null>;
}

/** Spawns `node bin/wsp.js worker …` at the repository root; resolves once it serves its queues. */
export async function startWorkerProcess(opts: WorkerProcessOptions): Promise<WorkerProcess> {
  const root = findRepoRoot();
  const args = [join(root, "bin", "wsp.js"), "worker", "--prefix", opts.prefix, "--grace", String(opts.graceS ?? 10)];
  if (opts.redisUrl !== undefined) args.push("--redis", opts.redisUrl);
  if (opts.queues !== undefined) args.push("--queues", opts.queues.join(","));
  if (opts.concurrency !== undefined) args.push("--concurrency", String(opts.concurrency));
  const proc = spawn(process.execPath, args, { cwd: root, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let pending = "";
  const onData = (d: Buffer) => {
    out += d.toString();
    pending += d.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) opts.log?.(line);
  };
  proc.stdout?.on("data", onData);
  proc.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const ready = await new Promise<"ready" | "exited" | "timeout">((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), opts.readyTimeoutMs ?? 90_000);
    const check = () => {
      if (!/^worker \d+: queues/m.test(out)) return;
      clearTimeout(timer);
      resolve("ready");
    };
    proc.stdout?.on("data", check);
    exited.then(() => {
      clearTimeout(timer);
      resolve("exited");
    });
  });
  if (ready !== "ready") {
    if (ready === "timeout") await stopChild(proc, exited);
    throw new Error(
      `wsp worker (prefix ${opts.prefix}) ${ready === "timeout" ? "was not ready in time" : "exited"}:\n${out}`,
    );
  }
  return { pid: proc.pid as number, output: () => out, stop: () => stopChild(proc, exited) };
}

function stopChild(proc: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
  return exited;
}
