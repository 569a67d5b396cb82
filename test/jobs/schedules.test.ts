/**
 * Promoted configs → job schedulers on a real Redis (unique queue prefix): the keys
 * `retrain:<model>` (the cron pattern and time zone or the interval from `schedule:`, the
 * promoted config's text as the job's data), `forecast:<model>` (from `forecast_schedule:`,
 * the model's name as the job's data) and `drift:<model>` (from `drift_schedule:`, the model's
 * name); pause removes a scheduler and marks its block, resume re-upserts it; remove ends every
 * scheduler and the file; list shows where Redis and the files disagree.
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
  closeScheduleQueues,
  listSchedules,
  openScheduleQueues,
  pauseSchedule,
  removeSchedule,
  resumeSchedule,
  type ScheduleQueues,
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

/** The weekday and time in New York of an instant. */
const inNewYork = (ms: number) =>
  new Intl.DateTimeFormat("en-US", {
    timeZone: "America/New_York",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(ms));

describe("retrain, forecast and drift schedules", () => {
  let redis: Redis;
  let queues: ScheduleQueues;
  let dir: string;

  beforeAll(() => {
    redis = new Redis(inject("testRedisUrl"), { maxRetriesPerRequest: null });
    queues = openScheduleQueues(redis, prefix);
    dir = mkdtempSync(join(tmpdir(), "wsp-schedules-"));
  });

  afterAll(async () => {
    if (queues) {
      for (const q of Object.values(queues)) await q.obliterate({ force: true }).catch(() => undefined);
      await closeScheduleQueues(queues);
    }
    redis?.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("upserts retrain:<model> with the weekly default, or the interval, carrying the config's text", async () => {
    writePromoted(dir, "weekly");
    const fast = writePromoted(dir, "fast", { every: 60_000 });
    expect(await scheduleModel(queues, dir, "weekly")).toEqual({ retrain: true, forecast: true, drift: true });
    expect(await scheduleModel(queues, dir, "fast")).toEqual({ retrain: true, forecast: true, drift: true });
    const weekly = await queues.retrain.getJobScheduler(schedulerId("retrain", "weekly"));
    expect(weekly).toMatchObject({
      key: "retrain:weekly",
      name: "retrain",
      pattern: "0 2 * * 0",
      tz: "America/New_York",
    });
    // The next firing is a Sunday, 02:00 in New York.
    expect(inNewYork(weekly?.next ?? 0)).toBe("Sun 02:00");
    const f = await queues.retrain.getJobScheduler(schedulerId("retrain", "fast"));
    expect(f).toMatchObject({ key: "retrain:fast", every: 60_000 });
    expect(f?.template?.data).toEqual({ model: "fast", config: { yaml: readFileSync(fast, "utf8"), file: fast } });
    // The forecast: weekdays 16:15 in New York (after the close) by default, the model by name (its champion).
    const forecast = await queues.forecast.getJobScheduler(schedulerId("forecast", "fast"));
    expect(forecast).toMatchObject({
      key: "forecast:fast",
      name: "forecast",
      pattern: "15 16 * * 1-5",
      tz: "America/New_York",
    });
    expect(forecast?.template?.data).toEqual({ model: "fast" });
    expect(inNewYork(forecast?.next ?? 0)).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 16:15$/);
    // The drift check: weekdays 16:45 in New York (after the forecast) by default, the model by name.
    const drift = await queues.drift.getJobScheduler(schedulerId("drift", "fast"));
    expect(drift).toMatchObject({ key: "drift:fast", name: "drift", pattern: "45 16 * * 1-5", tz: "America/New_York" });
    expect(drift?.template?.data).toEqual({ model: "fast" });
    expect(inNewYork(drift?.next ?? 0)).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 16:45$/);
    // Upserting again replaces, never duplicates.
    await scheduleModel(queues, dir, "fast");
    expect(await queues.retrain.getJobSchedulersCount()).toBe(2);
    expect(await queues.forecast.getJobSchedulersCount()).toBe(2);
    expect(await queues.drift.getJobSchedulersCount()).toBe(2);
  });

  it("pauses by removing the scheduler and marking the file; resumes by upserting it again", async () => {
    await pauseSchedule(queues, dir, "fast", ["retrain"]);
    expect(await queues.retrain.getJobScheduler(schedulerId("retrain", "fast"))).toBeUndefined();
    const paused = readPromotedConfig(join(dir, "fast.yaml"));
    expect(paused.schedule).toEqual({ every: 60_000, paused: true });
    // The other kinds are untouched.
    expect(paused.forecastSchedule.paused).toBe(false);
    expect(paused.driftSchedule.paused).toBe(false);
    expect(await queues.forecast.getJobScheduler(schedulerId("forecast", "fast"))).toBeDefined();
    // A paused block is not scheduled by an upsert (a new champion's rewrite keeps the mark).
    expect(await scheduleModel(queues, dir, "fast")).toEqual({ retrain: false, forecast: true, drift: true });
    expect(await queues.retrain.getJobScheduler(schedulerId("retrain", "fast"))).toBeUndefined();
    await pauseSchedule(queues, dir, "fast");
    expect(await queues.forecast.getJobScheduler(schedulerId("forecast", "fast"))).toBeUndefined();
    expect(await queues.drift.getJobScheduler(schedulerId("drift", "fast"))).toBeUndefined();
    const rows = await listSchedules(queues, dir);
    expect(rows.map((r) => [r.model, r.kind, r.state])).toEqual([
      ["fast", "retrain", "paused"],
      ["fast", "forecast", "paused"],
      ["fast", "drift", "paused"],
      ["weekly", "retrain", "scheduled"],
      ["weekly", "forecast", "scheduled"],
      ["weekly", "drift", "scheduled"],
    ]);
    await resumeSchedule(queues, dir, "fast");
    expect(await queues.retrain.getJobScheduler(schedulerId("retrain", "fast"))).toMatchObject({ every: 60_000 });
    expect(await queues.forecast.getJobScheduler(schedulerId("forecast", "fast"))).toMatchObject({
      pattern: "15 16 * * 1-5",
    });
    const resumed = readPromotedConfig(join(dir, "fast.yaml"));
    expect(await queues.drift.getJobScheduler(schedulerId("drift", "fast"))).toMatchObject({
      pattern: "45 16 * * 1-5",
    });
    expect([resumed.schedule.paused, resumed.forecastSchedule.paused, resumed.driftSchedule.paused]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it("lists a file without its scheduler and a scheduler without its file; remove ends both", async () => {
    await queues.retrain.removeJobScheduler(schedulerId("retrain", "weekly"));
    rmSync(join(dir, "fast.yaml"));
    const rows = await listSchedules(queues, dir);
    expect(rows.map((r) => [r.model, r.kind, r.state, r.schedule])).toEqual([
      ["weekly", "retrain", "unscheduled", "0 2 * * 0 America/New_York"],
      ["weekly", "forecast", "scheduled", "15 16 * * 1-5 America/New_York"],
      ["weekly", "drift", "scheduled", "45 16 * * 1-5 America/New_York"],
      ["fast", "retrain", "orphaned", "-"],
      ["fast", "forecast", "orphaned", "-"],
      ["fast", "drift", "orphaned", "-"],
    ]);
    expect(await removeSchedule(queues, dir, "fast")).toEqual({
      schedulers: { retrain: true, forecast: true, drift: true },
      file: false,
    });
    expect(await removeSchedule(queues, dir, "weekly")).toEqual({
      schedulers: { retrain: false, forecast: true, drift: true },
      file: true,
    });
    expect(await listSchedules(queues, dir)).toEqual([]);
    await expect(pauseSchedule(queues, dir, "weekly")).rejects.toThrow("no promoted config for weekly");
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
    for (const name of ["retrain", "forecast", "drift"]) {
      const q = new Queue(name, { connection: redis, prefix: cliPrefix });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    redis.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists, pauses, resumes and removes a model's schedules, a line per kind", async () => {
    expect((await wsp("list")).stdout).toMatch(
      /^cli-model\s+retrain\s+unscheduled\s+every 3600000 ms\s+next -\ncli-model\s+forecast\s+unscheduled\s+15 16 \* \* 1-5 America\/New_York\s+next -\ncli-model\s+drift\s+unscheduled\s+45 16 \* \* 1-5 America\/New_York\s+next -\n$/,
    );
    expect(await wsp("resume", "cli-model")).toMatchObject({
      code: 0,
      stdout: "retrain:cli-model scheduled\nforecast:cli-model scheduled\ndrift:cli-model scheduled\n",
    });
    expect((await wsp("list")).stdout).toMatch(
      /^cli-model\s+retrain\s+scheduled\s+every 3600000 ms\s+next \d{4}-.*\ncli-model\s+forecast\s+scheduled\s+15 16/,
    );
    expect((await wsp("pause", "cli-model", "--kind", "forecast")).stdout).toBe(
      "forecast:cli-model paused (removed; the promoted config is marked paused)\n",
    );
    expect((await wsp("list")).stdout).toMatch(/\ncli-model\s+forecast\s+paused\s/);
    expect((await wsp("pause", "cli-model")).stdout).toContain("retrain:cli-model paused");
    expect((await wsp("list")).stdout).toMatch(/^cli-model\s+retrain\s+paused\s/);
    const badKind = await wsp("pause", "cli-model", "--kind", "train");
    expect(badKind.code).toBe(1);
    expect(badKind.stderr).toContain("--kind 'train': expected retrain, forecast or drift");
    expect((await wsp("remove", "cli-model")).stdout).toBe(
      "retrain:cli-model was not set, forecast:cli-model was not set, drift:cli-model was not set; promoted config removed\n",
    );
    const missing = await wsp("pause", "cli-model");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no promoted config for cli-model");
  });
});
