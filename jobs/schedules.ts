/**
 * Promoted configs → BullMQ job schedulers, three per model (docs/architecture.md, "Promoted
 * configs, retraining and a model's backtest"): `retrain:<model>` on the `retrain` queue, from
 * the `schedule:` block, whose job carries the promoted config's text (a worker on another
 * machine needs no shared disk; re-upserting after a new champion rewrote the file refreshes
 * it); `forecast:<model>` on the `forecast` queue, from `forecast_schedule:`, whose job
 * scores every ticker the model's champion was trained on; and `drift:<model>` on the `drift`
 * queue, from `drift_schedule:`, whose job checks the champion's recent signals for drift.
 *
 * BullMQ has no per-scheduler pause. Pausing removes the scheduler and marks its block
 * `paused: true` in the promoted file; resuming clears the mark and upserts it again. The file is
 * the record of what should be scheduled; `listSchedules` shows where Redis disagrees with it.
 */
import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import {
  describeSchedule,
  listPromotedConfigs,
  type PromotedConfig,
  promotedPath,
  readPromotedConfig,
  removePromotedConfig,
  type ScheduleBlock,
  type ScheduleConfig,
  setPromotedPaused,
} from "../src/pipeline";
import type { PayloadInput } from "./queues";

/** What a promoted model is scheduled to do; each kind is also the queue its jobs go to and their name. */
export type ScheduleKind = "retrain" | "forecast" | "drift";
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ["retrain", "forecast", "drift"];

export function isScheduleKind(s: string): s is ScheduleKind {
  return (SCHEDULE_KINDS as readonly string[]).includes(s);
}

/** The queues the schedulers live on, by kind. */
export type ScheduleQueues = Readonly<Record<ScheduleKind, Queue>>;

export function openScheduleQueues(connection: Redis, prefix: string): ScheduleQueues {
  return {
    retrain: new Queue("retrain", { connection, prefix }),
    forecast: new Queue("forecast", { connection, prefix }),
    drift: new Queue("drift", { connection, prefix }),
  };
}

export async function closeScheduleQueues(queues: ScheduleQueues): Promise<void> {
  await Promise.all(SCHEDULE_KINDS.map((k) => queues[k].close()));
}

export function schedulerId(kind: ScheduleKind, model: string): string {
  return `${kind}:${model}`;
}

/** BullMQ's repeat options of a schedule block. */
export function repeatOf(s: ScheduleConfig): { every: number } | { pattern: string; tz: string } {
  return "every" in s ? { every: s.every } : { pattern: s.cron, tz: s.timezone };
}

export interface ScheduleOptions {
  /** The store schema the jobs read bars from (and a forecast stores its signals in); default the worker's `public`. */
  schema?: string;
}

/** The retrain job's data for a promoted config: its model, its text (and file, for errors), the store schema. */
export function retrainJobData(p: PromotedConfig, opts: ScheduleOptions = {}): PayloadInput<"retrain"> {
  return {
    model: p.name,
    config: { yaml: readFileSync(p.path, "utf8"), file: p.path },
    ...(opts.schema ? { schema: opts.schema } : {}),
  };
}

/** The forecast job's data: the model by name (its champion when the job runs), every ticker it was trained on. */
export function forecastJobData(p: PromotedConfig, opts: ScheduleOptions = {}): PayloadInput<"forecast"> {
  return { model: p.name, ...(opts.schema ? { schema: opts.schema } : {}) };
}

/** The drift job's data: the model by name (its champion when the job runs), the default window. */
export function driftJobData(p: PromotedConfig, opts: ScheduleOptions = {}): PayloadInput<"drift"> {
  return { model: p.name, ...(opts.schema ? { schema: opts.schema } : {}) };
}

/** Per kind: the promoted file's block and the job a firing adds. */
const KINDS: Record<
  ScheduleKind,
  {
    block: ScheduleBlock;
    of: (p: PromotedConfig) => ScheduleConfig;
    data: typeof retrainJobData | typeof forecastJobData | typeof driftJobData;
  }
> = {
  retrain: { block: "schedule", of: (p) => p.schedule, data: retrainJobData },
  forecast: { block: "forecast_schedule", of: (p) => p.forecastSchedule, data: forecastJobData },
  drift: { block: "drift_schedule", of: (p) => p.driftSchedule, data: driftJobData },
};

export function scheduleOf(kind: ScheduleKind, p: PromotedConfig): ScheduleConfig {
  return KINDS[kind].of(p);
}

/**
 * Upserts one of the model's schedulers from its promoted config, or removes it when the block is
 * marked paused. Returns whether a scheduler is now in place.
 */
async function upsertOne(queue: Queue, kind: ScheduleKind, p: PromotedConfig, opts: ScheduleOptions): Promise<boolean> {
  const schedule = KINDS[kind].of(p);
  if (schedule.paused) {
    await queue.removeJobScheduler(schedulerId(kind, p.name));
    return false;
  }
  await queue.upsertJobScheduler(schedulerId(kind, p.name), repeatOf(schedule), {
    name: kind,
    data: KINDS[kind].data(p, opts),
  });
  return true;
}

/** Upserts the model's schedulers of `kinds` (default all); per kind, whether it is now in place. */
export async function upsertSchedules(
  queues: ScheduleQueues,
  p: PromotedConfig,
  opts: ScheduleOptions = {},
  kinds: readonly ScheduleKind[] = SCHEDULE_KINDS,
): Promise<Partial<Record<ScheduleKind, boolean>>> {
  const out: Partial<Record<ScheduleKind, boolean>> = {};
  for (const kind of kinds) out[kind] = await upsertOne(queues[kind], kind, p, opts);
  return out;
}

/** The schedulers of `dir/<model>.yaml` (after promotion or a new champion). */
export async function scheduleModel(
  queues: ScheduleQueues,
  dir: string,
  model: string,
  opts: ScheduleOptions = {},
): Promise<Partial<Record<ScheduleKind, boolean>>> {
  return upsertSchedules(queues, readPromotedConfig(promotedPath(dir, model)), opts);
}

/** Demoted or removed: every scheduler and the promoted file go. Returns what existed. */
export async function removeSchedule(
  queues: ScheduleQueues,
  dir: string,
  model: string,
): Promise<{ schedulers: Record<ScheduleKind, boolean>; file: boolean }> {
  const schedulers = {} as Record<ScheduleKind, boolean>;
  for (const kind of SCHEDULE_KINDS) schedulers[kind] = await queues[kind].removeJobScheduler(schedulerId(kind, model));
  return { schedulers, file: removePromotedConfig(dir, model) };
}

export async function pauseSchedule(
  queues: ScheduleQueues,
  dir: string,
  model: string,
  kinds: readonly ScheduleKind[] = SCHEDULE_KINDS,
): Promise<void> {
  for (const kind of kinds) {
    setPromotedPaused(dir, model, true, KINDS[kind].block);
    await queues[kind].removeJobScheduler(schedulerId(kind, model));
  }
}

export async function resumeSchedule(
  queues: ScheduleQueues,
  dir: string,
  model: string,
  kinds: readonly ScheduleKind[] = SCHEDULE_KINDS,
  opts: ScheduleOptions = {},
): Promise<void> {
  for (const kind of kinds) {
    await upsertOne(queues[kind], kind, setPromotedPaused(dir, model, false, KINDS[kind].block), opts);
  }
}

export interface ScheduleRow {
  model: string;
  kind: ScheduleKind;
  /** `every 5000 ms` / `0 2 * * 0 America/New_York`; `-` for a scheduler without a promoted file. */
  schedule: string;
  /**
   * scheduled: file and scheduler agree; paused: marked paused, no scheduler; unscheduled: a
   * promoted file without its scheduler (run `wsp schedules resume`); orphaned: a scheduler whose
   * file is gone (`wsp schedules remove` ends it).
   */
  state: "scheduled" | "paused" | "unscheduled" | "orphaned";
  /** Next firing (epoch ms), when scheduled. */
  next: number | null;
}

/** The promoted configs of `dir` beside the queues' schedulers: per model a row per kind, then the orphans. */
export async function listSchedules(queues: ScheduleQueues, dir: string): Promise<ScheduleRow[]> {
  const schedulers = new Map<string, { kind: ScheduleKind; next: number | null }>();
  for (const kind of SCHEDULE_KINDS) {
    for (const s of await queues[kind].getJobSchedulers(0, -1, true)) {
      if (s.key.startsWith(`${kind}:`)) schedulers.set(s.key, { kind, next: s.next ?? null });
    }
  }
  const rows: ScheduleRow[] = listPromotedConfigs(dir).flatMap((p) =>
    SCHEDULE_KINDS.map((kind): ScheduleRow => {
      const id = schedulerId(kind, p.name);
      const s = schedulers.get(id);
      schedulers.delete(id);
      const schedule = KINDS[kind].of(p);
      const state = schedule.paused ? "paused" : s ? "scheduled" : "unscheduled";
      return { model: p.name, kind, schedule: describeSchedule(schedule), state, next: s?.next ?? null };
    }),
  );
  for (const [key, s] of schedulers) {
    rows.push({ model: key.slice(s.kind.length + 1), kind: s.kind, schedule: "-", state: "orphaned", next: s.next });
  }
  return rows;
}
