/**
 * `wsp schedules list|pause|resume|remove`: the schedulers of the promoted configs
 * (schedules.ts), three per model: `retrain:<model>`, `forecast:<model>` and `drift:<model>`.
 * `list` prints a line per model and kind: model, kind, state, schedule, next firing. `pause` and
 * `resume` act on every kind unless `--kind` names one, and are honest about BullMQ, which has no
 * per-scheduler pause: pause removes the scheduler and marks its block paused, resume upserts it
 * again. `remove` ends every scheduler and the promoted config.
 */
import type { Command } from "commander";
import { promotedDir } from "../src/pipeline";
import { type ConnectionOptions, openConnection } from "./connection";
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

async function withScheduleQueues<T>(flags: ConnectionFlags, fn: (queues: ScheduleQueues) => Promise<T>): Promise<T> {
  const opts: ConnectionOptions = { redisUrl: flags.redis, prefix: flags.prefix };
  const conn = await openConnection(opts);
  const queues = openScheduleQueues(conn.redis, conn.prefix);
  try {
    return await fn(queues);
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
    withScheduleQueues(flags, async (queues) => {
      const rows = await listSchedules(queues, promotedDir());
      if (rows.length === 0) console.log(`no promoted configs in ${promotedDir()} and no schedulers`);
      for (const r of rows) {
        const next = r.next ? new Date(r.next).toISOString() : "-";
        console.log(
          `${r.model.padEnd(30)} ${r.kind.padEnd(8)} ${r.state.padEnd(12)} ${r.schedule.padEnd(34)} next ${next}`,
        );
      }
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
