/**
 * `wsp schedules list|pause|resume|remove`: the retrain schedulers of the promoted configs
 * (schedules.ts). Pause and resume are honest about BullMQ, which has no per-scheduler pause:
 * pause removes the scheduler and marks the file paused, resume upserts it again.
 */
import { Queue } from "bullmq";
import type { Command } from "commander";
import { promotedDir } from "../src/pipeline";
import { type ConnectionOptions, openConnection } from "./connection";
import { type ConnectionFlags, withConnection } from "./jobsCommands";
import { listSchedules, pauseSchedule, removeSchedule, resumeSchedule, schedulerId } from "./schedules";

async function withRetrainQueue<T>(flags: ConnectionFlags, fn: (queue: Queue) => Promise<T>): Promise<T> {
  const opts: ConnectionOptions = { redisUrl: flags.redis, prefix: flags.prefix };
  const conn = await openConnection(opts);
  const queue = new Queue("retrain", { connection: conn.redis, prefix: conn.prefix });
  try {
    return await fn(queue);
  } finally {
    await queue.close();
    conn.redis.disconnect();
  }
}

export function registerSchedulesCommands(program: Command): void {
  const schedules = program
    .command("schedules")
    .description(`retrain schedulers of the promoted configs (${promotedDir()})`);
  withConnection(schedules.command("list").description("each promoted model: its schedule, state and next run")).action(
    (flags: ConnectionFlags) =>
      withRetrainQueue(flags, async (queue) => {
        const rows = await listSchedules(queue, promotedDir());
        if (rows.length === 0) console.log(`no promoted configs in ${promotedDir()} and no retrain schedulers`);
        for (const r of rows) {
          const next = r.next ? new Date(r.next).toISOString() : "-";
          console.log(`${r.model.padEnd(30)} ${r.state.padEnd(12)} ${r.schedule.padEnd(34)} next ${next}`);
        }
      }),
  );
  const one = (name: string, description: string, act: (queue: Queue, model: string) => Promise<string>) =>
    withConnection(schedules.command(`${name} <model>`).description(description)).action(
      (model: string, flags: ConnectionFlags) =>
        withRetrainQueue(flags, async (queue) => console.log(await act(queue, model))),
    );
  one("pause", "remove the scheduler and mark the promoted config paused", async (queue, model) => {
    await pauseSchedule(queue, promotedDir(), model);
    return `${schedulerId(model)} paused (removed; the promoted config is marked paused)`;
  });
  one("resume", "clear the paused mark and schedule the promoted config again", async (queue, model) => {
    await resumeSchedule(queue, promotedDir(), model);
    return `${schedulerId(model)} scheduled`;
  });
  one(
    "remove",
    "remove the scheduler and the promoted config (the model is no longer retrained)",
    async (queue, model) => {
      const r = await removeSchedule(queue, promotedDir(), model);
      return `${schedulerId(model)}: scheduler ${r.scheduler ? "removed" : "was not set"}, promoted config ${r.file ? "removed" : "was not there"}`;
    },
  );
}
