/**
 * `wsp worker --heartbeat`: a real worker fleet on the suite's Redis writes the file, and the
 * compose `worker` service's own healthcheck command (docker-compose.yml, run here with node on
 * this file) passes while it is fresh and fails once it is stale or missing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { redisConnection } from "../../jobs/connection";
import { startWorkers, type WorkerFleet } from "../../jobs/worker";

const dir = mkdtempSync(join(tmpdir(), "wsp-heartbeat-"));
const file = join(dir, "worker.heartbeat");
const prefix = `heartbeat-${process.pid}-${Date.now().toString(36)}`;
let fleet: WorkerFleet | undefined;

/** The compose healthcheck, pointed at this test's file. */
function healthcheck(): number | null {
  const compose = parse(readFileSync("docker-compose.yml", "utf8")) as {
    services: { worker: { command: string[]; healthcheck: { test: string[] } } };
  };
  const { command, healthcheck: check } = compose.services.worker;
  const script = check.test[3].replaceAll(command[command.indexOf("--heartbeat") + 1], file);
  return spawnSync(process.execPath, ["-e", script], { stdio: "ignore" }).status;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 100));
  expect(cond(), what).toBe(true);
}

afterAll(async () => {
  await fleet?.close(0);
  rmSync(dir, { recursive: true, force: true });
  const redis = redisConnection(inject("testRedisUrl"));
  const queue = new Queue("train", { connection: redis, prefix });
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
});

describe("worker heartbeat", () => {
  it("is written while the worker runs, and the compose healthcheck reads its age", async () => {
    expect(healthcheck(), "no file yet: unhealthy").toBe(1);
    fleet = await startWorkers({ queues: ["train"], redisUrl: inject("testRedisUrl"), prefix, heartbeatFile: file });
    await until(() => existsSync(file), "the heartbeat file appears");
    const beat = Number(readFileSync(file, "utf8"));
    expect(Math.abs(Date.now() - beat)).toBeLessThan(60_000);
    expect(healthcheck(), "fresh: healthy").toBe(0);
    writeFileSync(file, String(Date.now() - 10 * 60_000));
    expect(healthcheck(), "stale: unhealthy").toBe(1);
    // A closed worker beats no more: the stale time stays.
    await fleet.close(0);
    fleet = undefined;
    await new Promise((r) => setTimeout(r, 6_000));
    expect(healthcheck(), "closed: unhealthy").toBe(1);
  });
});
