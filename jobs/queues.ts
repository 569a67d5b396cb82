/**
 * The job runner's queues: each queue's payload schema (zod; a processor parses its job's data
 * with it, so a bad payload fails at once and names the field) and default job options. A queue
 * is added here (payload + defaults) with a processor in jobs/processors/<queue>.ts that calls one
 * pipeline function (docs/architecture.md, "Jobs"). The sweep, select, backtest, retrain,
 * forecast and evaluate queues are added the same way.
 *
 * Queue keys in Redis start with a prefix: `wsp`, or WSP_QUEUE_PREFIX, or the `prefix` option
 * (tests use one per file, so parallel suites on one Redis never see each other's jobs).
 */
import type { JobsOptions } from "bullmq";
import { z } from "zod";
import { modelBacktestSchema } from "../src/pipeline";

/** `wsp` unless WSP_QUEUE_PREFIX or the caller says otherwise. */
export function queuePrefix(prefix?: string): string {
  const p = prefix ?? process.env.WSP_QUEUE_PREFIX ?? "wsp";
  if (!/^[\w.-]{1,64}$/.test(p)) {
    throw new Error(
      `queue prefix '${p.slice(0, 70)}' (${prefix === undefined ? "WSP_QUEUE_PREFIX" : "prefix option"}): expected 1-64 letters, digits, '_', '.' or '-'`,
    );
  }
  return p;
}

/** A job's content key (pipeline/jobKey.ts): its job id and its runs' `wsp.job_id` tag. */
const jobKey = z.string().regex(/^[a-z]+-[0-9a-f]{16,64}$/, "expected a content key such as train-<hex>");

/** An experiment config: a path the worker can read, or the YAML itself (`file` names it in errors). */
export const configSource = z.union([
  z.strictObject({ path: z.string().min(1) }),
  z.strictObject({ yaml: z.string().min(1), file: z.string().min(1).default("inline.yaml") }),
]);
export type ConfigSource = z.input<typeof configSource>;

/** `train`: one experiment config → one tracked parent run, what `wsp run` records. */
export const trainPayload = z.strictObject({
  config: configSource,
  /** Set by `wsp submit` / `submit()`; computed by the processor when absent (scheduler-fired jobs). */
  key: jobKey.optional(),
  /** Render PNGs of the key figures, as `wsp run` does unless `--no-png`; not part of the key. */
  png: z.boolean().default(true),
});

const storeSchema = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "expected a lower-case SQL identifier");

/**
 * `ingest`: data files or folders (a folder: its .csv and .csv.gz files), or every bundled file,
 * validated and written to the store in one transaction, as `wsp data ingest` does. The store is
 * the worker's (DATABASE_URL, else the discovered PostgreSQL: a fleet shares one).
 */
export const ingestPayload = z.union([
  z.strictObject({
    paths: z.array(z.string().min(1)).min(1),
    force: z.boolean().default(false),
    schema: storeSchema.default("public"),
  }),
  z.strictObject({
    bundled: z.literal(true),
    force: z.boolean().default(false),
    schema: storeSchema.default("public"),
  }),
]);

/** `promote`: the one promotion policy on a parent run, the options of `wsp promote`. */
export const promotePayload = z.strictObject({
  runId: z.string().regex(/^[0-9a-f]{32}$/, "expected an MLflow run id (32 hex digits)"),
  modelName: z.string().min(1).optional(),
  force: z.boolean().default(false),
  allowNoControl: z.boolean().default(false),
});

/**
 * `retrain`: a promoted config (jobs/schedules.ts puts its text here, so a worker elsewhere needs
 * no shared disk) on the store's fresh bars → a run judged against the champion on the forward
 * window (pipeline/retrain.ts). `schema`: the store schema holding the bars.
 */
export const retrainPayload = z.strictObject({
  /** The registered model: the promoted file's name. */
  model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "expected a registered model name (letters, digits, _ . -)"),
  config: configSource,
  schema: storeSchema.default("public"),
});

/**
 * `backtest`: a registered model (`name@alias`, `name/version`) or a registered run's id × a
 * backtest block (period, costs, sizing, signals, stress windows) → a run recording the
 * backtest, tagged with the model's run (pipeline/backtestModel.ts).
 */
export const backtestPayload = z.strictObject({
  model: z.string().min(1),
  backtest: modelBacktestSchema,
  /** The store schema, for a model whose config reads `data.source: store`. */
  schema: storeSchema.default("public"),
});

/**
 * `forecast`: a registered model (`name`, its champion; `name@alias`; `name/version`) scores
 * `tickers` (default every ticker it was trained on) as of their latest stored bar, or `asof`,
 * and stores one signal per (ticker, bar, version) (pipeline/forecast/scoreTickers.ts): what
 * `wsp forecast --all` does, and what a champion's `forecast:<model>` scheduler fires.
 */
export const forecastPayload = z.strictObject({
  model: z.string().min(1),
  tickers: z.array(z.string().min(1)).min(1).optional(),
  /** An ISO date (`2024-06-03`) or a date-time with a zone; default the latest stored bar. */
  asof: z.string().min(1).optional(),
  /** The store schema holding the bars and the signals. */
  schema: storeSchema.default("public"),
});

const isoTime = z.string().refine((t) => Number.isFinite(Date.parse(t)), "expected an ISO date or date-time");

/**
 * `drift`: a drift check of a model's champion against its reference profile
 * (pipeline/monitoring/checkDrift.ts): its signals over `window` (bars `from`..`to`, or its
 * latest `last` signals; default the last 30 days of them), a `drift_monitoring` row, a run in
 * the `monitoring` experiment, an alert; drift enqueues a retrain of the model (driftRetrain.ts),
 * an emergency also pauses the version. What a champion's `drift:<model>` scheduler fires.
 */
export const driftPayload = z.strictObject({
  model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "expected a registered model name (letters, digits, _ . -)"),
  window: z
    .union([
      z.strictObject({ last: z.number().int().min(1).max(100_000) }),
      z.strictObject({ from: isoTime.optional(), to: isoTime.optional() }),
    ])
    .optional(),
  /** The store schema holding the signals and outcomes. */
  schema: storeSchema.default("public"),
});

/**
 * `evaluate`: the stored signals whose horizon has passed in the stored bars get their outcomes
 * (`signal_outcomes` and the signal's `performance`), and each version its live metrics over the
 * last 100 (pipeline/monitoring/evaluate.ts). Fired by the `evaluate:every` scheduler
 * (evaluateSchedule.ts), after each ingest job that wrote bars, and by `wsp data ingest --evaluate`.
 */
export const evaluatePayload = z.strictObject({
  /** A registered model's name; default every model with signals to evaluate. */
  model: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "expected a registered model name (letters, digits, _ . -)")
    .optional(),
  /** The store schema holding the bars, the signals and their outcomes. */
  schema: storeSchema.default("public"),
});

/**
 * `select`, a sweep's parent job: the sweep's template (a config with a `sweep:` block), expanded
 * again by the job into the same variants (`sweepId` checks it), whose `train` children are the
 * flow's (sweepFlow.ts). Their run ids reach it by `job.getChildrenValues()`.
 */
export const sweepPayload = z.strictObject({
  config: configSource,
  sweepId: z.string().regex(/^sweep-[0-9a-f]{12}$/, "expected a sweep id such as sweep-<12 hex>"),
  /** The refusal line the sweep was submitted with, when it overrode `sweep.max_variants`. */
  maxVariants: z.number().int().min(1).optional(),
});

/**
 * Options every job gets unless its queue or the caller says otherwise.
 * - attempts 3: a failure that is not the input's (MLflow or PostgreSQL briefly away, a worker
 *   that ran out of memory) gets two more tries; input errors are UnrecoverableError and fail
 *   at once. A worker that dies mid-job is not an attempt: the job stalls and returns to the
 *   queue (worker.ts, `maxStalledCount`).
 * - exponential backoff from 10 s: 10 s, then 20 s, enough for a restarted MLflow server.
 * - removeOnComplete after 7 days or beyond the newest 1,000: results live in MLflow (the durable
 *   record, found by `wsp.job_id`); the job record is for `wsp jobs` and the dashboard.
 * - removeOnFail after 30 days or beyond the newest 5,000: failures stay longer, to be read and
 *   retried (`wsp jobs retry`).
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 10_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 5000 },
} as const satisfies JobsOptions;

/** Each queue: its payload schema and job options (the defaults, with the queue's changes). */
export const QUEUES = {
  train: { payload: trainPayload, jobOptions: DEFAULT_JOB_OPTIONS },
  // An ingest is one transaction, so a retry never doubles it; 5 s is enough for a PostgreSQL restart.
  ingest: {
    payload: ingestPayload,
    jobOptions: { ...DEFAULT_JOB_OPTIONS, backoff: { type: "exponential", delay: 5_000 } },
  },
  // A promotion is a decision at a moment: a retry re-reads the registry and decides again.
  promote: { payload: promotePayload, jobOptions: DEFAULT_JOB_OPTIONS },
  // A retry finds its earlier attempt's run by the job's id (pipeline/retrain.ts): a decided run is
  // returned, an abandoned one ended KILLED, so the defaults hold.
  retrain: { payload: retrainPayload, jobOptions: DEFAULT_JOB_OPTIONS },
  backtest: { payload: backtestPayload, jobOptions: DEFAULT_JOB_OPTIONS },
  // A signal is stored once per (ticker, bar, version): a retry stores only what the failed
  // attempt had not.
  forecast: { payload: forecastPayload, jobOptions: DEFAULT_JOB_OPTIONS },
  // A check is one row and one run: a retry (store or MLflow away) checks again, which the
  // hysteresis counts as one more observation; the retrain it enqueues has a job id per model and day.
  drift: { payload: driftPayload, jobOptions: DEFAULT_JOB_OPTIONS },
  // Reads and writes MLflow only: a retry (MLflow briefly away) re-reads the children's runs, and
  // finds the sweep's run if the failed attempt had written it.
  select: { payload: sweepPayload, jobOptions: DEFAULT_JOB_OPTIONS },
  // A signal gets one outcome (the store keeps the first should two evaluations race): a retry
  // stores only what the failed attempt had not.
  evaluate: { payload: evaluatePayload, jobOptions: DEFAULT_JOB_OPTIONS },
} as const;

export type QueueName = keyof typeof QUEUES;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];
export type Payload<Q extends QueueName> = z.output<(typeof QUEUES)[Q]["payload"]>;
export type PayloadInput<Q extends QueueName> = z.input<(typeof QUEUES)[Q]["payload"]>;

export function isQueueName(name: string): name is QueueName {
  return Object.hasOwn(QUEUES, name);
}

/** `--queues train,ingest`: the names, checked. */
export function parseQueueList(list: string): QueueName[] {
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const unknown = names.filter((n) => !isQueueName(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`--queues '${list}': expected a comma-separated list of ${QUEUE_NAMES.join(", ")}`);
  }
  return [...new Set(names)] as QueueName[];
}
