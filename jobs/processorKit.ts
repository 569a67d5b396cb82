/**
 * What every sandboxed processor shares: its payload parsed by its queue's schema, input errors
 * (config, data, a refused promotion) turned into UnrecoverableError so the job fails at once
 * instead of being retried, progress by pipeline phase, and the child's exit when its worker
 * dies.
 */
import { hostname } from "node:os";
import { type SandboxedJob, UnrecoverableError } from "bullmq";
import type { z } from "zod";
import { discoverPostgres } from "../src/services";
import { type LoadedConfig, loadConfigFile, PROGRESS_STEPS, type ProgressStep, parseConfig } from "../src/pipeline";
import { type configSource, type Payload, QUEUES, type QueueName } from "./queues";

/**
 * A sandbox child whose worker died (SIGKILL, a crash) would finish its job unobserved and
 * record a run the retried job records again: it exits when the worker's IPC channel closes.
 */
if (process.send) process.once("disconnect", () => process.exit(1));

/**
 * A processor as BullMQ calls it in the sandbox. A cancelled job (`wsp jobs cancel`, or a worker
 * shutting down past its grace period, which has put the job back in the queue first) fails at
 * once without retries, and its child exits: the pipeline has no cancellation points, and a
 * computation left running would record a run nobody waits for.
 */
export function sandboxed<R>(fn: (job: SandboxedJob) => Promise<R>) {
  return (job: SandboxedJob, _token?: string, signal?: AbortSignal): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      signal?.addEventListener(
        "abort",
        () => {
          reject(new UnrecoverableError(`cancelled: ${String(signal.reason ?? "no reason given")}`));
          // After the failure has reached the worker.
          setTimeout(() => process.exit(1), 500);
        },
        { once: true },
      );
      // Which host and process ran each attempt: `wsp jobs logs`.
      note(job, `attempt ${job.attemptsStarted} on ${hostname()} (pid ${process.pid})`);
      fn(job).then(resolve, (err: unknown) => {
        note(job, `failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
        reject(err);
      });
    });
}

/** The job's progress, as `job.updateProgress` stores it and `wsp jobs watch` draws it. */
export interface PhaseProgress {
  /** A train job's ProgressStep; an ingest's `load` or `ingest`. */
  phase: string;
  /** 1-based position of the phase among `steps`. */
  step: number;
  steps: number;
  percent: number;
}

/** Errors that say the input is wrong: retrying cannot help (by name, as they cross the sandbox). */
const INPUT_ERRORS = new Set([
  "ConfigError",
  "ExperimentError",
  "DataFormatError",
  "DataValidationError",
  "FeatureSpecError",
  "IndicatorError",
  "LabelError",
  "SplitError",
  "DurationError",
  "RegimeInputError",
  "PromotionRefused",
  "BacktestBlockError",
]);

/**
 * A forecast's errors that name the request wrongly: a malformed field, a model with no version
 * behind the reference, a ticker the model was not trained on or that has no bars. `unavailable`
 * (the store or the registry away) is retried.
 */
const FORECAST_INPUT_CODES = new Set(["bad_request", "no_model", "not_trained", "unknown_symbol"]);

function isInputError(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  if (INPUT_ERRORS.has(err.name)) return true;
  if (err.name === "ForecastError") return FORECAST_INPUT_CODES.has((err as { code?: string }).code ?? "");
  if (err.name === "StoreError") return (err as { code?: string }).code === "bad_option";
  // A run or model that does not exist, or a value MLflow refuses: the payload names it wrongly.
  const mlflowCode = (err as { errorCode?: string }).errorCode;
  return (
    err.name === "MlflowError" && (mlflowCode === "RESOURCE_DOES_NOT_EXIST" || mlflowCode === "INVALID_PARAMETER_VALUE")
  );
}

/** Runs `fn`; an input error becomes UnrecoverableError with the same message (the YAML path, the file and line). */
export async function failFastOnInput<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isInputError(err)) throw new UnrecoverableError(`${err.name}: ${err.message}`);
    throw err;
  }
}

/** The job's data parsed by its queue's schema; a bad payload names the field and fails at once. */
export function payloadOf<Q extends QueueName>(queue: Q, job: SandboxedJob): Payload<Q> {
  // Each entry of QUEUES pairs a queue with its schema; TypeScript cannot follow Q through the lookup.
  const schema = QUEUES[queue].payload as unknown as z.ZodType<Payload<Q>>;
  const r = schema.safeParse(job.data);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(payload)"}: ${i.message}`);
  throw new UnrecoverableError(`${queue} job ${job.id}: invalid payload: ${issues.join("; ")}`);
}

export function loadConfigSource(source: z.output<typeof configSource>): LoadedConfig {
  return "path" in source ? loadConfigFile(source.path) : parseConfig(source.yaml, source.file);
}

/** A timestamped line in the job's log; advisory, like progress. */
export function note(job: SandboxedJob, line: string): void {
  Promise.resolve(job.log(`${new Date().toISOString()} ${line}`)).catch(() => undefined);
}

/** Reports a step of a job that is not a run (an ingest's load and write), with the share done of it. */
export function stepProgress(job: SandboxedJob, phase: string, step: number, steps: number) {
  return (done: number, total: number): void => {
    const within = total > 0 ? done / total : 1;
    const progress: PhaseProgress = { phase, step, steps, percent: Math.round(((step - 1 + within) / steps) * 100) };
    job.updateProgress(progress).catch(() => undefined);
  };
}

/** The PostgreSQL a worker fleet shares: DATABASE_URL, else the machine's, else the project-local one. */
export async function sharedStoreUrl(): Promise<string> {
  return (await discoverPostgres()).url;
}

/** A run hook reporting each phase as the job's progress. */
export function phaseProgress(job: SandboxedJob): (phase: ProgressStep) => void {
  const steps = PROGRESS_STEPS.length;
  return (phase) => {
    const step = PROGRESS_STEPS.indexOf(phase) + 1;
    const progress: PhaseProgress = { phase, step, steps, percent: Math.round(((step - 1) / steps) * 100) };
    // Progress is advisory: a lost update must not fail the job.
    job.updateProgress(progress).catch(() => undefined);
    note(job, `${phase} (${step}/${steps})`);
  };
}
