/**
 * `npm run bench -- jobs`
 *
 * 1. No-op throughput: NOOP_JOBS jobs through our queue layer (the queues' default job options,
 *    `serveQueues` with production worker options, the processor wrapped as every production
 *    processor is) on 2 workers, each running its jobs sandboxed (a child process per concurrent
 *    job, as in production), beside raw BullMQ (a plain sandboxed Worker and a bare processor
 *    file) in the same run, on the same Redis, same concurrency, once with BullMQ's
 *    `removeOnComplete: true` and once with our default job options (records kept by age and
 *    count, which costs Redis work per job). Each side is warmed first (its
 *    children forked and loaded), then timed from the first add to the last completion; the
 *    median of ROUNDS rounds.
 * 2. Sweep: a 24-variant grid of the planted-signal fixture (each variant trains in a few
 *    seconds) queued as a flow on W = 2 worker processes (`wsp worker`), timed from submission to
 *    the select job's completion. Overhead = (wall − Σ train job time / W) / wall, job time from
 *    BullMQ's own processedOn/finishedOn.
 * Redis: REDIS_URL, else 127.0.0.1:6379, else the project-local one. The machine is shared
 * (2 cores): figures are noisy. Last line: the JSON the issue names.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Queue, Worker } from "bullmq";
import { parseDocument } from "yaml";
import {
  DEFAULT_JOB_OPTIONS,
  openConnection,
  redisConnection,
  serveQueues,
  startWorkerProcess,
  submitSweep,
} from "../jobs";
import { parseConfig } from "../src/pipeline";
import { ensureMlflowServer, stopMlflowServer } from "../src/services";

const NOOP_JOBS = Number(process.env.BENCH_NOOP_JOBS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_NOOP_CONCURRENCY ?? 8);
const ROUNDS = 3;
const WORKERS = 2;
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

interface Side {
  /** Runs `n` jobs through it and resolves when all have completed; returns seconds. */
  run(n: number): Promise<number>;
  close(): Promise<void>;
}

/** Resolves once `n` completions have been counted by `on`. */
function completions(workers: { on(e: "completed", f: () => void): unknown }[], n: number): Promise<void> {
  let done = 0;
  return new Promise((resolve) => {
    for (const w of workers) w.on("completed", () => ++done === n && resolve());
  });
}

async function addAll(queue: Queue, n: number, opts: object): Promise<void> {
  const jobs = Array.from({ length: n }, (_, i) => ({ name: "noop", data: { i }, opts }));
  for (let i = 0; i < n; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
}

async function timed(queue: Queue, n: number, opts: object, done: Promise<void>): Promise<number> {
  const t0 = performance.now();
  await addAll(queue, n, opts);
  await done;
  return (performance.now() - t0) / 1000;
}

/** Our layer: serveQueues as `wsp worker` builds its workers, our default job options. */
async function ours(redisUrl: string, prefix: string): Promise<Side> {
  const conn = await openConnection({ redisUrl, prefix });
  const queue = new Queue("noop", { connection: conn.redis, prefix });
  // serveQueues' fleets report completions through their log hook.
  const listeners: (() => void)[] = [];
  const log = (line: string) => {
    if (line.endsWith(" completed")) for (const f of listeners) f();
  };
  const fleets: Awaited<ReturnType<typeof serveQueues>>[] = [];
  for (let w = 0; w < WORKERS; w++) {
    fleets.push(
      await serveQueues([{ queue: "noop", processor: here("./_noopProcessor.ts") }], {
        redisUrl,
        prefix,
        concurrency: CONCURRENCY,
        log,
      }),
    );
  }
  const on = { on: (_e: "completed", f: () => void) => listeners.push(f) };
  return {
    run: (n) => {
      listeners.length = 0;
      return timed(queue, n, DEFAULT_JOB_OPTIONS, completions([on], n));
    },
    close: async () => {
      await Promise.all(fleets.map((f) => f.close(10_000)));
      await queue.obliterate({ force: true });
      await queue.close();
      conn.redis.disconnect();
    },
  };
}

/**
 * Raw BullMQ: plain sandboxed Workers on a bare processor file, with `jobOptions` (BullMQ's
 * `removeOnComplete: true`, or our defaults, which keep job records by age and count).
 */
async function raw(redisUrl: string, prefix: string, jobOptions: object): Promise<Side> {
  const redis = redisConnection(redisUrl);
  const queue = new Queue("noop", { connection: redis, prefix });
  const workers = Array.from(
    { length: WORKERS },
    () =>
      new Worker("noop", here("./_noopRaw.mjs"), {
        connection: redisConnection(redisUrl),
        prefix,
        concurrency: CONCURRENCY,
      }),
  );
  return {
    run: (n) => {
      for (const w of workers) w.removeAllListeners("completed");
      return timed(queue, n, jobOptions, completions(workers, n));
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function noopThroughput(redisUrl: string): Promise<Record<"ours" | "raw" | "rawOurOptions", number>> {
  const stamp = `bench-jobs-${process.pid}`;
  const sides = {
    ours: await ours(redisUrl, `${stamp}-ours`),
    raw: await raw(redisUrl, `${stamp}-raw`, { removeOnComplete: true }),
    rawOurOptions: await raw(redisUrl, `${stamp}-raw-opts`, DEFAULT_JOB_OPTIONS),
  };
  const rates: Record<keyof typeof sides, number[]> = { ours: [], raw: [], rawOurOptions: [] };
  try {
    // Warm-up: every child forked and its processor loaded.
    for (const side of Object.values(sides)) await side.run(WORKERS * CONCURRENCY * 4);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, side] of Object.entries(sides) as [keyof typeof sides, Side][]) {
        const s = await side.run(NOOP_JOBS);
        rates[name].push(NOOP_JOBS / s);
        console.log(
          `  round ${r + 1} ${name.padEnd(13)} ${NOOP_JOBS} jobs in ${s.toFixed(2)} s: ${(NOOP_JOBS / s).toFixed(0)}/s`,
        );
      }
    }
  } finally {
    await Promise.all(Object.values(sides).map((s) => s.close()));
  }
  return { ours: median(rates.ours), raw: median(rates.raw), rawOurOptions: median(rates.rawOurOptions) };
}

/** The planted-signal fixture as a 24-variant grid (2 depths x 3 tree counts x 4 learning rates), in an experiment of its own. */
function sweepConfig(experiment: string) {
  const file = "experiments/fixtures/planted-signal.yaml";
  const doc = parseDocument(readFileSync(file, "utf8"));
  doc.setIn(["tracking", "experiment"], experiment);
  doc.setIn(["tracking", "model_name"], experiment);
  doc.set(
    "sweep",
    doc.createNode({
      mode: "grid",
      params: {
        "models[0].params.max_depth": [2, 3],
        "models[0].params.n_trees": [40, 60, 80],
        "models[0].params.learning_rate": [0.03, 0.05, 0.08, 0.1],
      },
    }),
  );
  return parseConfig(doc.toString(), file);
}

interface SweepFigures {
  wall: number;
  jobSeconds: number;
  variants: number;
}

async function sweepOverhead(redisUrl: string): Promise<SweepFigures> {
  const prefix = `bench-sweep-${process.pid}`;
  const loaded = sweepConfig(`bench-sweep-${Date.now().toString(36)}`);
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () => startWorkerProcess({ prefix, redisUrl, queues: ["train", "select"] })),
  );
  const redis = redisConnection(redisUrl);
  const train = new Queue("train", { connection: redis, prefix });
  try {
    const t0 = performance.now();
    const handle = await submitSweep(loaded, { redisUrl, prefix, png: false });
    handle.on("progress", () => undefined);
    await handle.result();
    const wall = (performance.now() - t0) / 1000;
    const jobs = await train.getJobs(["completed"]);
    const jobSeconds = jobs.reduce((sum, j) => sum + ((j.finishedOn ?? 0) - (j.processedOn ?? 0)) / 1000, 0);
    return { wall, jobSeconds, variants: jobs.length };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await train.obliterate({ force: true }).catch(() => undefined);
    await new Queue("select", { connection: redis, prefix }).obliterate({ force: true }).catch(() => undefined);
    await train.close();
    redis.disconnect();
  }
}

const { url } = await openConnection().then((c) => {
  c.redis.disconnect();
  return c;
});
console.log(`no-op jobs: ${WORKERS} workers x concurrency ${CONCURRENCY}, sandboxed, median of ${ROUNDS}`);
const noop = await noopThroughput(url);
console.log(
  `  ours ${noop.ours.toFixed(0)}/s, raw BullMQ ${noop.raw.toFixed(0)}/s (${(noop.ours / noop.raw).toFixed(2)}x); ` +
    `raw BullMQ with our job options ${noop.rawOurOptions.toFixed(0)}/s`,
);

const mlflow = await ensureMlflowServer();
let sweep: SweepFigures;
try {
  console.log(`sweep: 24 variants of the planted-signal fixture on ${WORKERS} worker processes (MLflow ${mlflow.uri})`);
  sweep = await sweepOverhead(url);
} finally {
  if (mlflow.started) await stopMlflowServer();
}
const overhead = (sweep.wall - sweep.jobSeconds / WORKERS) / sweep.wall;
console.log(
  `  ${sweep.variants} train jobs, ${sweep.jobSeconds.toFixed(1)} s of job time, wall ${sweep.wall.toFixed(1)} s: ` +
    `overhead ${(overhead * 100).toFixed(1)} %, ${((sweep.variants / sweep.wall) * 60).toFixed(1)} variants/min`,
);
console.log("(2-core machine shared with other work: figures are noisy)");
console.log(
  JSON.stringify({
    noop_jobs_per_s: Math.round(noop.ours),
    noop_raw_bullmq_per_s: Math.round(noop.raw),
    noop_ratio_vs_bullmq: noop.ours / noop.raw,
    noop_raw_bullmq_our_options_per_s: Math.round(noop.rawOurOptions),
    sweep_overhead: overhead,
    sweep_variants_per_min: (sweep.variants / sweep.wall) * 60,
  }),
);
