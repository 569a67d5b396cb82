/**
 * Promoted configs → job schedulers on a real Redis (unique queue prefix): the key
 * `retrain:<model>`, the cron pattern and time zone or the interval from `schedule:`, the
 * promoted config's text as the job's data; pause removes the scheduler and marks the file,
 * resume re-upserts it; remove ends both; list shows where Redis and the files disagree.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseDocument } from "yaml";
import {
  listSchedules,
  pauseSchedule,
  removeSchedule,
  resumeSchedule,
  scheduleModel,
  schedulerId,
} from "../../jobs/schedules";
import { readPromotedConfig } from "../../src/pipeline";
import { PLANTED_SIGNAL_CONFIG } from "../pipeline/plantedSignal";

const prefix = `test-schedules-${randomBytes(4).toString("hex")}`;

/** A promoted config as promotion writes it (source: store), with the given schedule block. */
function writePromoted(dir: string, model: string, schedule?: unknown): string {
  const doc = parseDocument(readFileSync(PLANTED_SIGNAL_CONFIG, "utf8"));
  doc.setIn(["data", "source"], "store");
  if (schedule !== undefined) doc.setIn(["schedule"], doc.createNode(schedule));
  const path = join(dir, `${model}.yaml`);
  writeFileSync(path, doc.toString());
  return path;
}

describe("retrain schedules", () => {
  let redis: Redis;
  let queue: Queue;
  let dir: string;

  beforeAll(() => {
    redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    queue = new Queue("retrain", { connection: redis, prefix });
    dir = mkdtempSync(join(tmpdir(), "wsp-schedules-"));
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    redis?.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("upserts retrain:<model> with the weekly default, or the interval, carrying the config's text", async () => {
    writePromoted(dir, "weekly");
    const fast = writePromoted(dir, "fast", { every: 60_000 });
    expect(await scheduleModel(queue, dir, "weekly")).toBe(true);
    expect(await scheduleModel(queue, dir, "fast")).toBe(true);
    const weekly = await queue.getJobScheduler(schedulerId("weekly"));
    expect(weekly).toMatchObject({
      key: "retrain:weekly",
      name: "retrain",
      pattern: "0 2 * * 0",
      tz: "America/New_York",
    });
    // The next firing is a Sunday, 02:00 in New York.
    const next = new Date(weekly?.next ?? 0);
    const ny = new Intl.DateTimeFormat("en-US", {
      timeZone: "America/New_York",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(next);
    expect(ny).toBe("Sun 02:00");
    const f = await queue.getJobScheduler(schedulerId("fast"));
    expect(f).toMatchObject({ key: "retrain:fast", every: 60_000 });
    expect(f?.template?.data).toEqual({ model: "fast", config: { yaml: readFileSync(fast, "utf8"), file: fast } });
    // Upserting again replaces, never duplicates.
    await scheduleModel(queue, dir, "fast");
    expect(await queue.getJobSchedulersCount()).toBe(2);
  });

  it("pauses by removing the scheduler and marking the file; resumes by upserting it again", async () => {
    await pauseSchedule(queue, dir, "fast");
    expect(await queue.getJobScheduler(schedulerId("fast"))).toBeUndefined();
    expect(readPromotedConfig(join(dir, "fast.yaml")).schedule).toEqual({ every: 60_000, paused: true });
    // A paused file is not scheduled by an upsert (a new champion's rewrite keeps the mark).
    expect(await scheduleModel(queue, dir, "fast")).toBe(false);
    expect(await queue.getJobScheduler(schedulerId("fast"))).toBeUndefined();
    const rows = await listSchedules(queue, dir);
    expect(rows.map((r) => [r.model, r.state])).toEqual([
      ["fast", "paused"],
      ["weekly", "scheduled"],
    ]);
    await resumeSchedule(queue, dir, "fast");
    expect(await queue.getJobScheduler(schedulerId("fast"))).toMatchObject({ every: 60_000 });
    expect(readPromotedConfig(join(dir, "fast.yaml")).schedule.paused).toBe(false);
  });

  it("lists a file without its scheduler and a scheduler without its file; remove ends both", async () => {
    await queue.removeJobScheduler(schedulerId("weekly"));
    rmSync(join(dir, "fast.yaml"));
    const rows = await listSchedules(queue, dir);
    expect(rows.map((r) => [r.model, r.state, r.schedule])).toEqual([
      ["weekly", "unscheduled", "0 2 * * 0 America/New_York"],
      ["fast", "orphaned", "-"],
    ]);
    expect(await removeSchedule(queue, dir, "fast")).toEqual({ scheduler: true, file: false });
    expect(await removeSchedule(queue, dir, "weekly")).toEqual({ scheduler: false, file: true });
    expect(await listSchedules(queue, dir)).toEqual([]);
    await expect(pauseSchedule(queue, dir, "weekly")).rejects.toThrow("no promoted config for weekly");
  });
});

describe("wsp schedules", { timeout: 120_000 }, () => {
  let dir: string;
  const cliPrefix = `${prefix}-cli`;

  /** `wsp schedules <args>` against the suite's Redis, a prefix of its own and `dir`'s promoted configs. */
  async function wsp(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { ...process.env, WSP_PROMOTED_DIR: dir };
    const flags = ["--redis", inject("testRedisUrl"), "--prefix", cliPrefix];
    try {
      const { stdout, stderr } = await promisify(execFile)("node", ["bin/wsp.js", "schedules", ...args, ...flags], {
        env,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "wsp-schedules-cli-"));
    writePromoted(dir, "cli-model", { every: 3_600_000 });
  });

  afterAll(async () => {
    const redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    const q = new Queue("retrain", { connection: redis, prefix: cliPrefix });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
    redis.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists, pauses, resumes and removes a model's schedule", async () => {
    expect((await wsp("list")).stdout).toMatch(/^cli-model\s+unscheduled\s+every 3600000 ms\s+next -\n$/);
    expect(await wsp("resume", "cli-model")).toMatchObject({ code: 0, stdout: "retrain:cli-model scheduled\n" });
    expect((await wsp("list")).stdout).toMatch(/^cli-model\s+scheduled\s+every 3600000 ms\s+next \d{4}-/);
    expect((await wsp("pause", "cli-model")).stdout).toContain("retrain:cli-model paused");
    expect((await wsp("list")).stdout).toMatch(/^cli-model\s+paused\s/);
    expect((await wsp("remove", "cli-model")).stdout).toBe(
      "retrain:cli-model: scheduler was not set, promoted config removed\n",
    );
    const missing = await wsp("pause", "cli-model");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no promoted config for cli-model");
  });
});
