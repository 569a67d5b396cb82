/**
 * `wsp schedules list|pause|resume|remove`: the schedulers of the promoted configs
 * (schedules.ts), three per model: `retrain:<model>`, `forecast:<model>` and `drift:<model>`.
 * `list` prints a line per model and kind: model, kind, state, schedule, next firing; then
 * `evaluate:every`, the one evaluate scheduler for every model (evaluateSchedule.ts), once a worker
 * serving the evaluate queue has set it. `pause` and `resume` act on every kind unless `--kind`
 * names one, and are honest about BullMQ, which has no per-scheduler pause: pause removes the
 * scheduler and marks its block paused, resume upserts it again. `remove` ends every scheduler and
 * the promoted config.
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

const KIND_LIST = `${SCHEDULE_KINDS.slice(0, -1).join(", ")} or ${SCHEDULE_KINDS[SCHEDULE_KINDS.length - 1]}`;

/** `--kind retrain`: that one; absent: all. */
function kindsOf(kind: string | undefined): readonly ScheduleKind[] {
  if (kind === undefined) return SCHEDULE_KINDS;
  if (!isScheduleKind(kind)) throw new Error(`--kind '${kind.slice(0, 20)}': expected ${KIND_LIST}`);
  return [kind];
}

export function registerSchedulesCommands(program: Command): void {
  const schedules = program
    .command("schedules")
    .description(`retrain, forecast and drift schedulers of the promoted configs (${promotedDir()})`);
  withConnection(
    schedules
      .command("list")
      .description("each promoted model and kind (retrain, forecast, drift): state, schedule, next run"),
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
  const kindOption = `only this scheduler: ${KIND_LIST} (default all)`;
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
      .description(
        "remove every scheduler and the promoted config (the model is no longer retrained, forecast or checked)",
      ),
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
