/**
 * `wsp schedules list|pause|resume|remove`: the schedulers of the promoted configs
 * (schedules.ts), two per model: `retrain:<model>` and `forecast:<model>`. `list` prints a line
 * per model and kind: model, kind, state, schedule, next firing; then `evaluate:every`, the one
 * evaluate scheduler for every model (evaluateSchedule.ts), once a worker serving the evaluate
 * queue has set it. `pause` and `resume` act on both
 * kinds unless `--kind` names one, and are honest about BullMQ, which has no per-scheduler pause:
 * pause removes the scheduler and marks its block paused, resume upserts it again. `remove` ends
 * both schedulers and the promoted config.
 */
import { Queue } from "bullmq";
import type { Command } from "commander";
import { promotedDir } from "../src/pipeline";
import { type ConnectionOptions, type JobsConnection, openConnection } from "./connection";
import { EVALUATE_SCHEDULER_ID, readEvaluateSchedule } from "./evaluateSchedule";
import { type ConnectionFlags, withConnection } from "./jobsCommands";
import {
  closeScheduleQueues,
  isScheduleKind,
  listSchedules,
  openScheduleQueues,
  pauseSchedule,
  removeSchedule,
  resumeSchedule,
  SCHEDULE_KINDS,
  type ScheduleKind,
  type ScheduleQueues,
  schedulerId,
} from "./schedules";

async function withScheduleQueues<T>(
  flags: ConnectionFlags,
  fn: (queues: ScheduleQueues, conn: JobsConnection) => Promise<T>,
): Promise<T> {
  const opts: ConnectionOptions = { redisUrl: flags.redis, prefix: flags.prefix };
  const conn = await openConnection(opts);
  const queues = openScheduleQueues(conn.redis, conn.prefix);
  try {
    return await fn(queues, conn);
  } finally {
    await closeScheduleQueues(queues);
    conn.redis.disconnect();
  }
}

/** `--kind retrain`: that one; absent: both. */
function kindsOf(kind: string | undefined): readonly ScheduleKind[] {
  if (kind === undefined) return SCHEDULE_KINDS;
  if (!isScheduleKind(kind)) throw new Error(`--kind '${kind.slice(0, 20)}': expected ${SCHEDULE_KINDS.join(" or ")}`);
  return [kind];
}

export function registerSchedulesCommands(program: Command): void {
  const schedules = program
    .command("schedules")
    .description(`retrain and forecast schedulers of the promoted configs (${promotedDir()})`);
  withConnection(
    schedules
      .command("list")
      .description("each promoted model and kind (retrain, forecast): state, schedule, next run"),
  ).action((flags: ConnectionFlags) =>
    withScheduleQueues(flags, async (queues, conn) => {
      const rows = await listSchedules(queues, promotedDir());
      const line = (model: string, kind: string, state: string, schedule: string, next: number | null) =>
        console.log(
          `${model.padEnd(30)} ${kind.padEnd(8)} ${state.padEnd(12)} ${schedule.padEnd(34)} next ${next ? new Date(next).toISOString() : "-"}`,
        );
      for (const r of rows) line(r.model, r.kind, r.state, r.schedule, r.next);
      const evaluateQueue = new Queue("evaluate", { connection: conn.redis, prefix: conn.prefix });
      const evaluate = await readEvaluateSchedule(evaluateQueue).finally(() => evaluateQueue.close());
      // One scheduler for every model, set by a worker serving the evaluate queue: shown when set.
      if (evaluate) {
        const schedule = `every ${evaluate.everyMs} ms (schema ${evaluate.data.schema})`;
        line(`(every model) ${EVALUATE_SCHEDULER_ID}`, "evaluate", "scheduled", schedule, evaluate.next);
      }
      if (rows.length === 0 && !evaluate) console.log(`no promoted configs in ${promotedDir()} and no schedulers`);
    }),
  );
  const kindOption = `only this scheduler: ${SCHEDULE_KINDS.join(" or ")} (default both)`;
  withConnection(
    schedules
      .command("pause <model>")
      .description("remove the schedulers and mark their blocks paused in the promoted config")
      .option("--kind <kind>", kindOption),
  ).action((model: string, flags: ConnectionFlags & { kind?: string }) =>
    withScheduleQueues(flags, async (queues) => {
      const kinds = kindsOf(flags.kind);
      await pauseSchedule(queues, promotedDir(), model, kinds);
      for (const k of kinds)
        console.log(`${schedulerId(k, model)} paused (removed; the promoted config is marked paused)`);
    }),
  );
  withConnection(
    schedules
      .command("resume <model>")
      .description("clear the paused marks and schedule the promoted config again")
      .option("--kind <kind>", kindOption),
  ).action((model: string, flags: ConnectionFlags & { kind?: string }) =>
    withScheduleQueues(flags, async (queues) => {
      const kinds = kindsOf(flags.kind);
      await resumeSchedule(queues, promotedDir(), model, kinds);
      for (const k of kinds) console.log(`${schedulerId(k, model)} scheduled`);
    }),
  );
  withConnection(
    schedules
      .command("remove <model>")
      .description("remove both schedulers and the promoted config (the model is no longer retrained or forecast)"),
  ).action((model: string, flags: ConnectionFlags) =>
    withScheduleQueues(flags, async (queues) => {
      const r = await removeSchedule(queues, promotedDir(), model);
      const schedulers = SCHEDULE_KINDS.map(
        (k) => `${schedulerId(k, model)} ${r.schedulers[k] ? "removed" : "was not set"}`,
      );
      console.log(`${schedulers.join(", ")}; promoted config ${r.file ? "removed" : "was not there"}`);
    }),
  );
}
