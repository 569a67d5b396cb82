/**
 * Promoted configs: when promotion makes a version champion, the config of its run is written to
 * `experiments/promoted/<model-name>.yaml`, the file scheduled retraining reads (retrain.ts,
 * jobs/schedules.ts). It reads `data.source: store`, with no `data.end`, so a retrain sees every
 * bar ingested since; it carries a `schedule:` block (scheduleConfig.ts; the default weekly one
 * when the run's config had none), a `forecast_schedule:` block (forecastScheduleConfig.ts;
 * default weekdays after the close) and a `drift_schedule:` block (driftScheduleConfig.ts;
 * default half an hour after the forecast); a comment header gives its provenance. Written atomically
 * (a temporary file renamed over it), so a reader never sees half a file. Removing the model's
 * schedule removes the file: MLflow keeps the run, its config and the version's reasons.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { type Gate, formatValue } from "../promotion";
import { findRepoRoot } from "../services";
import type { Run } from "../tracking";
import { tagRecord } from "../tracking";
import { ConfigError, type LoadedConfig, parseConfig } from "./config";
import { DEFAULT_DRIFT_SCHEDULE } from "./driftScheduleConfig";
import { DEFAULT_FORECAST_SCHEDULE } from "./forecastScheduleConfig";
import { DEFAULT_SCHEDULE, describeSchedule, type ScheduleConfig } from "./scheduleConfig";

/** A promoted config's schedule blocks: the retrain's, the champion's forecast's and its drift check's. */
export type ScheduleBlock = "schedule" | "forecast_schedule" | "drift_schedule";

const DEFAULT_BLOCK: Record<ScheduleBlock, ScheduleConfig> = {
  schedule: DEFAULT_SCHEDULE,
  forecast_schedule: DEFAULT_FORECAST_SCHEDULE,
  drift_schedule: DEFAULT_DRIFT_SCHEDULE,
};

function describeBlock(s: ScheduleConfig): string {
  return `${describeSchedule(s)}${s.paused ? ", paused" : ""}`;
}

/** Where promoted configs live, relative to the repository root. */
export const PROMOTED_DIR = "experiments/promoted";

/** The promoted configs' directory: WSP_PROMOTED_DIR, else `experiments/promoted` of the repository. */
export function promotedDir(): string {
  return process.env.WSP_PROMOTED_DIR || join(findRepoRoot(), PROMOTED_DIR);
}

/** The tag a sweep's runs may carry (the sweep's parent run id); the header names it when present. */
export const SWEEP_ID_TAG = "wsp.sweep_id";

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The promoted config's path for a registered model; names unfit for a file name are refused. */
export function promotedPath(dir: string, modelName: string): string {
  if (!FILE_NAME.test(modelName) || modelName.includes("..")) {
    throw new Error(
      `registered model "${modelName}": a promoted config needs a name of letters, digits, _ . - (it names ${dir}/<name>.yaml)`,
    );
  }
  return join(dir, `${modelName}.yaml`);
}

/** Writes `text` to `path` through a temporary file in the same directory and a rename. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** What the header records of the promotion. */
export interface PromotionProvenance {
  name: string;
  version: string;
  run: Run;
  metric: string;
  gates: readonly Gate[];
}

function headerOf(p: PromotionProvenance, blocks: PromotedSchedules): string {
  const tags = tagRecord(p.run.data.tags);
  const params = tagRecord(p.run.data.params);
  const metrics = (p.run.data.metrics ?? [])
    .filter((m) => /^(oos_|holdout_|deflated_sharpe|sharpe$|trials$)/.test(m.key))
    .map((m) => `${m.key}=${formatValue(Number(m.value))}`)
    .sort();
  const gates = p.gates.map(
    (g) =>
      `${g.gate}=${g.passed ? "pass" : "fail"} (value ${formatValue(g.value)}, threshold ${formatValue(g.threshold)})`,
  );
  const lines = [
    ` Promoted config of ${p.name}: version ${p.version} became champion on ${new Date().toISOString()}.`,
    ` Written by promotion (src/pipeline/promotedConfig.ts); retraining reads it. Do not edit by hand:`,
    ` the next champion rewrites it. Fresh bars come from the store (\`wsp data ingest\`).`,
    ` run: ${p.run.info.run_id} (experiment ${p.run.info.experiment_id})`,
    ` sweep: ${tags[SWEEP_ID_TAG] ?? "none"}`,
    ` promotion metric: ${p.metric}`,
    ` metrics: ${metrics.join(", ") || "none"}`,
    ` gates: ${gates.join("; ")}`,
    ` git commit: ${tags.git_commit ?? tags["mlflow.source.git.commit"] ?? "unknown"}${tags.git_dirty === "true" ? " (dirty)" : ""}`,
    ` data hash: ${tags.data_hash ?? "unknown"} (data.source ${params["data.source"] ?? "unknown"})`,
    ` config hash: ${tags.config_hash ?? "unknown"}`,
    ` holdout: ${tags["wsp.holdout.start"] ?? "?"}..${tags["wsp.holdout.end"] ?? "?"}`,
    ` retrain schedule: ${describeBlock(blocks.schedule)}`,
    ` forecast schedule: ${describeBlock(blocks.forecastSchedule)}`,
    ` drift schedule: ${describeBlock(blocks.driftSchedule)}`,
  ];
  return lines.join("\n");
}

/**
 * The promoted config written from the run's `config.yaml`: `data.source: store` without an end,
 * its `schedule:`, `forecast_schedule:` and `drift_schedule:` blocks kept (else the defaults), the header replaced.
 * Returns the file's path.
 */
export function writePromotedConfig(dir: string, configText: string, p: PromotionProvenance): string {
  const path = promotedPath(dir, p.name);
  const doc = parseDocument(configText);
  if (doc.errors.length > 0) throw new ConfigError(`run ${p.run.info.run_id} config.yaml`, [doc.errors[0].message]);
  doc.setIn(["data", "source"], "store");
  doc.deleteIn(["data", "end"]);
  for (const block of ["schedule", "forecast_schedule", "drift_schedule"] as const) {
    if (!doc.hasIn([block])) doc.setIn([block], doc.createNode({ ...DEFAULT_BLOCK[block] }));
  }
  // Validated as the retrain will read it, so a bad file is never written.
  doc.commentBefore = headerOf(p, schedulesOf(parseConfig(doc.toString(), path)));
  mkdirSync(dir, { recursive: true });
  writeAtomically(path, doc.toString());
  return path;
}

export interface PromotedSchedules {
  /** When the model is retrained (`schedule:`). */
  schedule: ScheduleConfig;
  /** When its champion forecasts every ticker it was trained on (`forecast_schedule:`). */
  forecastSchedule: ScheduleConfig;
  /** When its champion is checked for drift (`drift_schedule:`). */
  driftSchedule: ScheduleConfig;
}

export interface PromotedConfig extends PromotedSchedules {
  /** The registered model's name (the file's). */
  name: string;
  path: string;
  loaded: LoadedConfig;
}

function schedulesOf(loaded: LoadedConfig): PromotedSchedules {
  return {
    schedule: loaded.config.schedule ?? DEFAULT_SCHEDULE,
    forecastSchedule: loaded.config.forecast_schedule ?? DEFAULT_FORECAST_SCHEDULE,
    driftSchedule: loaded.config.drift_schedule ?? DEFAULT_DRIFT_SCHEDULE,
  };
}

/**
 * A promoted config from its text (a queued retrain carries it, so a worker on another machine
 * needs no shared disk); `file` names it in errors. It must read the store.
 */
export function parsePromotedConfig(text: string, name: string, file: string): PromotedConfig {
  const loaded = parseConfig(text, file);
  if (loaded.config.data.source !== "store") {
    throw new ConfigError(file, [
      `data.source: expected store (a promoted config retrains on the store's bars), got ${loaded.config.data.source}`,
    ]);
  }
  return { name, path: file, loaded, ...schedulesOf(loaded) };
}

/** Reads a promoted config file; the model's name is the file's. */
export function readPromotedConfig(path: string): PromotedConfig {
  const name = path.replace(/^.*\//, "").replace(/\.yaml$/, "");
  return parsePromotedConfig(readFileSync(path, "utf8"), name, path);
}

/** Every promoted config in `dir`, by model name. */
export function listPromotedConfigs(dir: string): PromotedConfig[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => readPromotedConfig(join(dir, f)));
}

/** Marks a schedule block paused or running, keeping the rest of the file (comments included). */
export function setPromotedPaused(
  dir: string,
  modelName: string,
  paused: boolean,
  block: ScheduleBlock = "schedule",
): PromotedConfig {
  const path = promotedPath(dir, modelName);
  if (!existsSync(path)) throw new Error(`${path}: no promoted config for ${modelName}`);
  const doc = parseDocument(readFileSync(path, "utf8"));
  if (!doc.hasIn([block])) doc.setIn([block], doc.createNode({ ...DEFAULT_BLOCK[block] }));
  doc.setIn([block, "paused"], paused);
  const text = doc.toString();
  parseConfig(text, path);
  writeAtomically(path, text);
  return readPromotedConfig(path);
}

/** Removes a model's promoted config; false when there was none. */
export function removePromotedConfig(dir: string, modelName: string): boolean {
  const path = promotedPath(dir, modelName);
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}
