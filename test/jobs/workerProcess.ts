/** A real `wsp worker` process for job tests, and polling for what it produces. */
import { type ChildProcess, spawn } from "node:child_process";

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Its stdout and stderr so far (for a failure's message). */
  output(): string;
  /** SIGTERM (the worker's grace is 5 s), SIGKILL after 45 s; resolves once it exited. */
  stop(): Promise<void>;
}

/** `wsp worker --queues <queues> --prefix <prefix> --redis <url> --grace 5` with `env` added. */
export function startWorkerProcess(
  queues: string,
  prefix: string,
  redisUrl: string,
  env: Record<string, string>,
): WorkerProcess {
  const child = spawn(
    process.execPath,
    ["bin/wsp.js", "worker", "--queues", queues, "--prefix", prefix, "--redis", redisUrl, "--grace", "5"],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout?.on("data", (d) => {
    log += d;
  });
  child.stderr?.on("data", (d) => {
    log += d;
  });
  return {
    child,
    output: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `fn` every second until it returns something other than undefined. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
