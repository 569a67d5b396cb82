/**
 * The job runner's commands: `wsp worker` (serve queues until SIGINT/SIGTERM) and `wsp submit`
 * (queue a config; `--wait` follows it to its result), `wsp dashboard` (bull-board, dashboard.ts).
 * `wsp jobs …` and `wsp queues` are in jobsCommands.ts.
 */
import type { Command } from "commander";
import { ensureMlflowServer } from "../src/services";
import { maskUrl } from "../src/store";
import { DEFAULT_DASHBOARD_PORT, startDashboard } from "./dashboard";
import { DEFAULT_EVALUATE_EVERY_MINUTES, EVALUATE_SCHEDULER_ID } from "./evaluateSchedule";
import { HEARTBEAT_INTERVAL_MS } from "./heartbeat";
import { type ConnectionFlags, registerJobsCommands, withConnection } from "./jobsCommands";
import { QUEUE_NAMES, parseQueueList } from "./queues";
import { registerSchedulesCommands } from "./schedulesCommands";
import { loadConfigFile } from "../src/pipeline";
import { submit, submitForecast } from "./submit";
import { submitSweep } from "./sweepFlow";
import { followJob } from "./watch";
import { DEFAULT_GRACE_MS, startWorkers } from "./worker";

function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} '${v.slice(0, 20)}': expected a positive integer`);
    return n;
  };
}

interface WorkerFlags extends ConnectionFlags {
  queues?: string;
  concurrency?: number;
  grace: number;
  lockDuration?: number;
  stalledInterval?: number;
  heartbeat?: string;
  evaluateEvery: number;
  evaluateSchema?: string;
}

async function runWorker(flags: WorkerFlags): Promise<void> {
  const queues = flags.queues === undefined ? QUEUE_NAMES : parseQueueList(flags.queues);
  // Train and promote jobs record in MLflow and a forecast job loads its model from it: the
  // configured server, else the local one (started if need be); an evaluate job reads each
  // version's config and baseline from it.
  if (queues.some((q) => q === "train" || q === "promote" || q === "forecast" || q === "evaluate")) {
    await ensureMlflowServer();
  }
  const fleet = await startWorkers({
    queues,
    concurrency: flags.concurrency,
    graceMs: flags.grace * 1000,
    redisUrl: flags.redis,
    prefix: flags.prefix,
    lockDurationMs: flags.lockDuration,
    stalledIntervalMs: flags.stalledInterval,
    heartbeatFile: flags.heartbeat,
    evaluateSchedule: { everyMinutes: flags.evaluateEvery, schema: flags.evaluateSchema },
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  console.log(
    `worker ${process.pid}: queues ${queues.join(", ")} on ${fleet.redisUrl} (prefix ${fleet.prefix}), ` +
      `concurrency ${flags.concurrency ?? 1}, grace ${flags.grace} s`,
  );
  const evaluate = fleet.evaluateSchedule;
  if (evaluate) {
    console.log(
      `${EVALUATE_SCHEDULER_ID}: every ${evaluate.everyMs / 60_000} min on schema ${evaluate.data.schema} (and after each ingest job)`,
    );
  }
  let signals = 0;
  const stop = async (signal: string) => {
    // A second signal: no more grace.
    const grace = ++signals === 1 ? flags.grace * 1000 : 0;
    if (signals > 2) return;
    console.log(`${signal}: taking no new jobs; active jobs have ${grace / 1000} s to finish`);
    const { returned } = await fleet.close(grace);
    if (returned.length > 0) console.log(`returned to the queue: ${returned.join(", ")}`);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

export function registerJobCommands(program: Command): void {
  withConnection(
    program
      .command("worker")
      .description("run queued jobs (each in a child process) until SIGINT/SIGTERM")
      .option("--queues <list>", `comma-separated queues to serve (default: ${QUEUE_NAMES.join(",")})`)
      .option(
        "--concurrency <n>",
        "jobs at once per queue, each in its own process (default 1)",
        positiveInt("--concurrency"),
      )
      .option(
        "--grace <s>",
        "seconds active jobs may finish after SIGINT/SIGTERM before they return to the queue",
        positiveInt("--grace"),
        DEFAULT_GRACE_MS / 1000,
      )
      .option(
        "--lock-duration <ms>",
        "job lock duration (default 30000; a dead worker's job is retried after it)",
        positiveInt("--lock-duration"),
      )
      .option(
        "--stalled-interval <ms>",
        "how often to look for stalled jobs (default 30000)",
        positiveInt("--stalled-interval"),
      )
      .option(
        "--evaluate-every <minutes>",
        `serving the evaluate queue: minutes between the scheduled evaluations of every model's signals (${EVALUATE_SCHEDULER_ID})`,
        positiveInt("--evaluate-every"),
        DEFAULT_EVALUATE_EVERY_MINUTES,
      )
      .option("--evaluate-schema <name>", "the store schema the scheduled evaluations read (default public)")
      .option(
        "--heartbeat <file>",
        `write the time to <file> every ${HEARTBEAT_INTERVAL_MS / 1000} s while Redis answers (for a container healthcheck)`,
      ),
  ).action(runWorker);

  const submitCommand = program
    .command("submit")
    .description(
      "queue an experiment config as a train job, or a sweep as a flow (the same work twice is one job); `submit forecast <model>` queues a forecast",
    )
    // `wsp submit forecast m --wait`: options after `forecast` are its own (src/cli.ts enables positional options).
    .argument("<config>", "experiment YAML");
  withConnection(
    submitCommand
      .option("--wait", "follow the job with a progress bar until it finishes; exit 1 if it fails")
      .option("--no-png", "skip the PNG renderings of the figures"),
  ).action(async (config: string, flags: ConnectionFlags & { wait?: boolean; png: boolean }) => {
    const loaded = loadConfigFile(config);
    const opts = { redisUrl: flags.redis, prefix: flags.prefix, png: flags.png };
    // A sweep: block makes it a flow (a train job per variant, then select).
    const handle = loaded.config.sweep ? await submitSweep(loaded, opts) : await submit(loaded, opts);
    const state = await handle.state();
    const what = loaded.config.sweep ? "sweep (select job, one train job per variant)" : "train job";
    console.log(`${handle.existing ? "already queued" : "queued"}: ${what} ${handle.id} (${state})`);
    if (!flags.wait) return handle.close();
    await followJob(handle);
  });
  withConnection(
    submitCommand
      .command("forecast <model>")
      .description(
        "queue a forecast job: the model (name: its champion; name@alias; name/version) scores its tickers and stores the signals",
      )
      .option("--tickers <list>", "comma-separated tickers (default: every ticker the model was trained on)")
      .option("--asof <time>", "the latest bar at or before this date (2024-06-03) or date-time with zone")
      .option("--schema <name>", "the store schema of the bars and signals (default public)")
      .option("--wait", "follow the job with a progress bar until it finishes; exit 1 if it fails"),
  ).action(
    async (
      model: string,
      flags: ConnectionFlags & { tickers?: string; asof?: string; schema?: string; wait?: boolean },
    ) => {
      const handle = await submitForecast(
        { model, tickers: flags.tickers?.split(",").map((t) => t.trim()), asof: flags.asof, schema: flags.schema },
        { redisUrl: flags.redis, prefix: flags.prefix },
      );
      console.log(`queued: forecast job ${handle.id} (${await handle.state()})`);
      if (!flags.wait) return handle.close();
      await followJob(handle);
    },
  );

  withConnection(
    program
      .command("dashboard")
      .description("serve the queue dashboard (bull-board) on 127.0.0.1, each job linked to its MLflow run")
      .option("--port <n>", `port on 127.0.0.1 (default ${DEFAULT_DASHBOARD_PORT})`, positiveInt("--port")),
  ).action(async (flags: ConnectionFlags & { port?: number }) => {
    const board = await startDashboard({ redisUrl: flags.redis, prefix: flags.prefix, port: flags.port });
    console.log(
      `dashboard: ${board.url} (queues of prefix ${board.prefix} on ${maskUrl(board.redisUrl)}); Ctrl-C stops it`,
    );
    const stop = () => void board.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });

  registerJobsCommands(program);
  registerSchedulesCommands(program);
}
