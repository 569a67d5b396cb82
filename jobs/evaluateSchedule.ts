/**
 * When the feedback loop's `evaluate` job runs (issue 18: "every N minutes and after each
 * ingest"):
 * - every N minutes: ONE job scheduler, `evaluate:every`, for every model (the job evaluates every
 *   model with signals), every 5 minutes unless `wsp worker --evaluate-every <minutes>` says
 *   otherwise. A worker serving the evaluate queue upserts it at start, so it exists wherever
 *   evaluations can run; upserting is idempotent, and the last worker started sets the interval.
 *   BullMQ fires an `every` scheduler at once when it is upserted, then every N minutes.
 * - after each ingest: an evaluate job on the same store schema, under a job id made from the
 *   ingest's (`evaluate-after-<ingest job id>`), so a retried ingest attempt queues it once. An
 *   ingest that wrote nothing (every series stored unchanged) matures nothing and queues none.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { ConnectionOptions } from "./connection";
import { type Payload, QUEUES } from "./queues";
import { enqueue } from "./submit";

export const EVALUATE_SCHEDULER_ID = "evaluate:every";
export const DEFAULT_EVALUATE_EVERY_MINUTES = 5;

export interface EvaluateScheduleOptions {
  /** Minutes between evaluations; default 5. */
  everyMinutes?: number;
  /** The store schema the scheduled jobs evaluate; default `public`. */
  schema?: string;
}

/** What the scheduler is set to, as `wsp schedules list` shows it. */
export interface EvaluateSchedule {
  everyMs: number;
  data: Payload<"evaluate">;
  /** Next firing (epoch ms). */
  next: number | null;
}

/** The scheduled job's data: every model, on `schema` (checked as the queue checks a payload). */
function scheduledData(schema: unknown): Payload<"evaluate"> {
  const r = QUEUES.evaluate.payload.safeParse({ schema });
  if (!r.success) {
    throw new Error(`${EVALUATE_SCHEDULER_ID} schema '${String(schema).slice(0, 70)}': ${r.error.issues[0]?.message}`);
  }
  return r.data;
}

function everyMsOf(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < 1) {
    throw new Error(`${EVALUATE_SCHEDULER_ID} every ${minutes} min: expected a whole number of minutes ≥ 1`);
  }
  return minutes * 60_000;
}

/** Sets `evaluate:every` on the prefix's evaluate queue (a worker serving it does at start). */
export async function upsertEvaluateSchedule(
  connection: Redis,
  prefix: string,
  opts: EvaluateScheduleOptions = {},
): Promise<EvaluateSchedule> {
  const everyMs = everyMsOf(opts.everyMinutes ?? DEFAULT_EVALUATE_EVERY_MINUTES);
  const data = scheduledData(opts.schema);
  const queue = new Queue("evaluate", { connection, prefix });
  try {
    await queue.upsertJobScheduler(
      EVALUATE_SCHEDULER_ID,
      { every: everyMs },
      { name: "evaluate", data, opts: QUEUES.evaluate.jobOptions },
    );
    return { everyMs, data, next: (await queue.getJobScheduler(EVALUATE_SCHEDULER_ID))?.next ?? null };
  } finally {
    await queue.close();
  }
}

/** The scheduler as Redis holds it, or null when no worker serving the evaluate queue has set it. */
export async function readEvaluateSchedule(queue: Queue): Promise<EvaluateSchedule | null> {
  const s = await queue.getJobScheduler(EVALUATE_SCHEDULER_ID);
  if (!s?.every) return null;
  return {
    everyMs: Number(s.every),
    data: scheduledData((s.template?.data as { schema?: unknown } | undefined)?.schema),
    next: s.next ?? null,
  };
}

/** The job id of the evaluation that follows `source` (an ingest job's id, or an ingest run's). */
export function evaluateAfterJobId(source: string): string {
  return `evaluate-after-${source}`;
}

/**
 * Queues the evaluation of `schema` that follows an ingest; returns its job id, and whether it
 * was queued already (the same ingest asked before).
 */
export async function queueEvaluationAfter(
  source: string,
  schema: string,
  opts: ConnectionOptions = {},
): Promise<{ id: string; existing: boolean }> {
  const handle = await enqueue("evaluate", "evaluate", { schema }, evaluateAfterJobId(source), opts);
  await handle.close();
  return { id: handle.id, existing: handle.existing };
}
