/**
 * Promoted configs → BullMQ job schedulers on the `retrain` queue, one per model, keyed
 * `retrain:<model-name>` (docs/architecture.md, "Promoted configs, retraining and a model's
 * backtest"). The scheduler's job carries the promoted config's text, so a worker on another
 * machine needs no shared disk; re-upserting after a new champion rewrote the file refreshes it.
 *
 * BullMQ has no per-scheduler pause. Pausing removes the scheduler and marks the promoted file
 * `schedule.paused: true`; resuming clears the mark and upserts it again. The file is the record
 * of what should be scheduled; `listSchedules` shows where Redis disagrees with it.
 */
import { readFileSync } from "node:fs";
import type { Queue } from "bullmq";
import {
  describeSchedule,
  listPromotedConfigs,
  type PromotedConfig,
  promotedPath,
  readPromotedConfig,
  removePromotedConfig,
  type ScheduleConfig,
  setPromotedPaused,
} from "../src/pipeline";
import type { PayloadInput } from "./queues";

/** The retrain job a scheduler produces. */
export const RETRAIN_JOB = "retrain";

export function schedulerId(model: string): string {
  return `retrain:${model}`;
}

/** BullMQ's repeat options of a `schedule:` block. */
export function repeatOf(s: ScheduleConfig): { every: number } | { pattern: string; tz: string } {
  return "every" in s ? { every: s.every } : { pattern: s.cron, tz: s.timezone };
}

export interface ScheduleOptions {
  /** The store schema the retrain reads its bars from (default the worker's `public`). */
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

/**
 * Upserts the model's scheduler from its promoted config, or removes it when the file is marked
 * paused. Returns whether a scheduler is now in place.
 */
export async function upsertSchedule(queue: Queue, p: PromotedConfig, opts: ScheduleOptions = {}): Promise<boolean> {
  if (p.schedule.paused) {
    await queue.removeJobScheduler(schedulerId(p.name));
    return false;
  }
  await queue.upsertJobScheduler(schedulerId(p.name), repeatOf(p.schedule), {
    name: RETRAIN_JOB,
    data: retrainJobData(p, opts),
  });
  return true;
}

/** The scheduler of `dir/<model>.yaml` (after promotion or a new champion). */
export async function scheduleModel(
  queue: Queue,
  dir: string,
  model: string,
  opts: ScheduleOptions = {},
): Promise<boolean> {
  return upsertSchedule(queue, readPromotedConfig(promotedPath(dir, model)), opts);
}

/** Demoted or removed: the scheduler and the promoted file go. Returns what existed. */
export async function removeSchedule(
  queue: Queue,
  dir: string,
  model: string,
): Promise<{ scheduler: boolean; file: boolean }> {
  const scheduler = await queue.removeJobScheduler(schedulerId(model));
  return { scheduler, file: removePromotedConfig(dir, model) };
}

export async function pauseSchedule(queue: Queue, dir: string, model: string): Promise<void> {
  setPromotedPaused(dir, model, true);
  await queue.removeJobScheduler(schedulerId(model));
}

export async function resumeSchedule(
  queue: Queue,
  dir: string,
  model: string,
  opts: ScheduleOptions = {},
): Promise<void> {
  await upsertSchedule(queue, setPromotedPaused(dir, model, false), opts);
}

export interface ScheduleRow {
  model: string;
  /** `5000 ms` / `0 2 * * 0 America/New_York`; `-` for a scheduler without a promoted file. */
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

/** The promoted configs of `dir` beside the queue's schedulers. */
export async function listSchedules(queue: Queue, dir: string): Promise<ScheduleRow[]> {
  const schedulers = new Map(
    (await queue.getJobSchedulers(0, -1, true)).filter((s) => s.key.startsWith("retrain:")).map((s) => [s.key, s]),
  );
  const rows: ScheduleRow[] = listPromotedConfigs(dir).map((p) => {
    const s = schedulers.get(schedulerId(p.name));
    schedulers.delete(schedulerId(p.name));
    const state = p.schedule.paused ? "paused" : s ? "scheduled" : "unscheduled";
    return { model: p.name, schedule: describeSchedule(p.schedule), state, next: s?.next ?? null };
  });
  for (const s of schedulers.values()) {
    rows.push({ model: s.key.slice("retrain:".length), schedule: "-", state: "orphaned", next: s.next ?? null });
  }
  return rows;
}
