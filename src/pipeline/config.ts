/**
 * The experiment config (experiments/spy-daily.yaml is a complete one): one YAML file
 * composed of the blocks each module owns. This file only adds the blocks the pipeline owns
 * (models list, ensemble, controls, leakage, promotion, tracking) and the YAML reading, whose
 * errors name the file, line, YAML path and what was expected:
 *
 *   experiments/x.yaml:14:37 models[1].params.max_depth: expected an integer in [0, 64], got "six"
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { backtestSchema, costsSchema, signalsSchema, sizingSchema } from "../backtest";
import { calibrationConfigSchema } from "../calibration";
import { clipMessage, dataConfigSchema, readProblem } from "../data";
import { featuresConfigSchema, regimesConfigSchema } from "../features";
import { labelsConfigSchema } from "../labels";
import {
  canWiden,
  kindCapabilities,
  logisticParamsSchema,
  SINGLE_KINDS,
  specOptions,
  WIDENABLE_KINDS,
} from "../models";
import { promotionConfigSchema } from "../promotion";
import { validationConfigSchema } from "../validation";
import { type ConfigIssue, configErrorMap, describeIssues, shown, yamlPath } from "./configIssues";
import { driftScheduleConfigSchema } from "./driftScheduleConfig";
import { forecastScheduleConfigSchema } from "./forecastScheduleConfig";
import { modelSearchIssues, modelSearchSchema } from "./modelSearchConfig";
import { scheduleConfigSchema } from "./scheduleConfig";
import { sweepConfigSchema } from "./sweep/sweepConfig";

const modelName = z.string().regex(/^[a-z][a-z0-9_]*$/, "expected a lower-case name such as gbm_deep");

/**
 * One model entry: a single-model kind of the kinds table (src/models/kinds.ts), an optional
 * name, and an optional `search:` of its params inside each training fold (modelSearchConfig.ts).
 */
export const modelEntrySchema = z.discriminatedUnion(
  "kind",
  specOptions(SINGLE_KINDS, { name: modelName.optional(), search: modelSearchSchema.optional() }),
);

/**
 * The `ensemble:` block, one variant per kind (docs/architecture.md "Ensemble kinds"). Fitted
 * kinds are cross-fitted for the out-of-fold score and refitted on every OOF row for the holdout
 * (pipeline/oofBlendWeights.ts).
 */
const fitOn = z.literal("oof").default("oof");
export const ensembleConfigSchema = z.discriminatedUnion("kind", [
  /** Non-negative weights summing to 1 minimising the OOF log-loss. */
  z.strictObject({ kind: z.literal("weighted").default("weighted"), fit_on: fitOn }),
  /** Equal weights. */
  z.strictObject({ kind: z.literal("mean"), fit_on: fitOn }),
  /** Ridge regression of the labels on the OOF probabilities (α = 1 by the product plan), w ≥ 0, normalised. */
  z.strictObject({ kind: z.literal("ridge"), fit_on: fitOn, alpha: z.number().min(0).default(1) }),
  /** A logistic meta-model on the members' OOF probabilities (multinomial for 3 classes). */
  z.strictObject({ kind: z.literal("stacking"), fit_on: fitOn, meta: logisticParamsSchema.prefault({}) }),
  /** Weights given by hand, one per model of the config (0 leaves a model out); normalised to sum 1. */
  z.strictObject({ kind: z.literal("fixed"), weights: z.record(z.string(), z.number().min(0)) }),
]);
export type EnsembleConfig = z.output<typeof ensembleConfigSchema>;

export const controlsConfigSchema = z
  .object({
    /**
     * Re-run the pipeline with labels permuted within the training folds; it must fail. On by
     * default: a run without it is tagged `wsp.control=none` and `wsp promote` refuses it unless
     * told `--allow-no-control`.
     */
    shuffled_labels: z.boolean().default(true),
    /**
     * The one model the control re-runs (its cost is that model's walk-forward once more):
     * default the best single model out of fold. Name a cheaper one where cost matters (a gbm
     * beside an LSTM): any honest model must lose its edge on shuffled labels.
     */
    model: modelName.optional(),
    seed: z.number().int().default(7),
    /** Null run: the main target itself is permuted; the promotion gates must refuse it. */
    shuffle_target: z.boolean().default(false),
    /** Detector check: the label's own future return is added as a feature; leakage must be flagged. */
    inject_leak: z.boolean().default(false),
  })
  .strict();

export const leakageConfigSchema = z
  .object({
    /** Univariate out-of-sample AUC above this flags a feature (src/validation univariateAucScreen). */
    auc_threshold: z.number().gt(0.5).lt(1).default(0.6),
    /** Direction accuracy above this on a liquid ETF is reported as suspected leakage (docs/architecture.md). */
    max_direction_accuracy: z.number().gt(0.5).lt(1).default(0.7),
  })
  .strict();

export const trackingConfigSchema = z
  .object({
    experiment: z.string().min(1),
    /** Registered model name (default: the experiment name). */
    model_name: z.string().min(1).optional(),
    tags: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export const experimentConfigSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "expected a name of letters, digits, _ . -"),
    description: z.string().optional(),
    tracking: trackingConfigSchema,
    data: dataConfigSchema,
    features: featuresConfigSchema.prefault({}),
    regimes: regimesConfigSchema.prefault({}),
    /** bundled: the 480-stock daily universe feeds breadth and cross-sectional features. */
    universe: z.enum(["none", "bundled"]).default("none"),
    labels: labelsConfigSchema,
    validation: validationConfigSchema,
    models: z.array(modelEntrySchema).min(1),
    ensemble: ensembleConfigSchema.optional(),
    calibration: calibrationConfigSchema.prefault({ method: "none" }),
    signals: signalsSchema.prefault({}),
    sizing: sizingSchema.prefault({}),
    costs: costsSchema.prefault({}),
    backtest: backtestSchema.prefault({}),
    controls: controlsConfigSchema.prefault({}),
    leakage: leakageConfigSchema.prefault({}),
    promotion: promotionConfigSchema.prefault({}),
    /** When a promoted config is retrained (scheduleConfig.ts); only promoted configs carry it. */
    schedule: scheduleConfigSchema.optional(),
    /** When a promoted config's champion forecasts (forecastScheduleConfig.ts); only promoted configs carry it. */
    forecast_schedule: forecastScheduleConfigSchema.optional(),
    /** When a promoted config's champion is checked for drift (driftScheduleConfig.ts); only promoted configs carry it. */
    drift_schedule: driftScheduleConfigSchema.optional(),
    /** A sweep: this config is a template of variants (pipeline/sweep/, docs/architecture.md "Sweeps"). */
    sweep: sweepConfigSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.models.forEach((m, i) => {
      const name = m.name ?? m.kind;
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["models", i, "name"],
          message: `model name "${name}" is already used by models[${first}]; give each entry a distinct name`,
        });
      } else seen.set(name, i);
      if (m.search) {
        for (const issue of modelSearchIssues(m.kind, m.params, m.search))
          ctx.addIssue({ code: "custom", path: ["models", i, ...issue.path], message: issue.message });
      }
      if (c.features.select && !canWiden(m.kind)) {
        ctx.addIssue({
          code: "custom",
          path: ["models", i, "kind"],
          message: `features.select needs models that can be fitted on the selected columns and still take every column (${WIDENABLE_KINDS.join(", ")}); ${m.kind} cannot`,
        });
      } else if (c.features.select?.by === "shap" && !kindCapabilities(m.kind).treeShap) {
        ctx.addIssue({
          code: "custom",
          path: ["features", "select", "by"],
          message: `shap needs tree models; models[${i}] is ${m.kind} (use by: permutation)`,
        });
      }
    });
    if (c.controls.model !== undefined && !seen.has(c.controls.model)) {
      ctx.addIssue({
        code: "custom",
        path: ["controls", "model"],
        message: `"${c.controls.model}" is not a model of this config (models: ${[...seen.keys()].join(", ")})`,
      });
    }
    if (c.ensemble && c.models.length < 2) {
      ctx.addIssue({ code: "custom", path: ["ensemble"], message: "an ensemble needs at least two models" });
    }
    if (c.ensemble?.kind === "fixed") {
      const weights = c.ensemble.weights;
      const models = [...seen.keys()];
      for (const name of Object.keys(weights)) {
        if (!seen.has(name))
          ctx.addIssue({
            code: "custom",
            path: ["ensemble", "weights", name],
            message: `"${name}" is not a model of this config (models: ${models.join(", ")})`,
          });
      }
      const missing = models.filter((m) => !(m in weights));
      if (missing.length > 0)
        ctx.addIssue({
          code: "custom",
          path: ["ensemble", "weights"],
          message: `no weight for ${missing.join(", ")}: give every model a weight (0 leaves it out)`,
        });
      if (!(Object.values(weights).reduce((a, b) => a + b, 0) > 0))
        ctx.addIssue({
          code: "custom",
          path: ["ensemble", "weights"],
          message: "the weights sum to 0: give some model a positive weight",
        });
    }
    // The labels stage cannot see the models' kinds table: a primary model is checked here.
    if (c.labels.kind === "meta" && "model" in c.labels.primary) {
      const model = c.labels.primary.model;
      const r = modelEntrySchema.safeParse(model, { error: configErrorMap });
      for (const issue of r.success ? [] : describeIssues(modelEntrySchema, model, r.error.issues)) {
        const path = ["labels", "primary", "model", ...issue.path] as PropertyKey[];
        // The experiment's own description adds what the value was.
        const got = `, got ${shown(issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown>)?.[k], model))}`;
        const message = issue.message.endsWith(got) ? issue.message.slice(0, -got.length) : issue.message;
        ctx.addIssue({ code: "custom", path, message });
      }
      // A fold's primary is fitted on rows around its test fold under K-fold schemes, so a meta
      // training row's side could come from a primary that learnt the meta test fold's labels.
      if (c.validation.kind === "purged_kfold" || c.validation.kind === "cpcv") {
        ctx.addIssue({
          code: "custom",
          path: ["labels", "primary", "model"],
          message: `a model primary is out of sample only when every fold trains on earlier rows: use validation.kind walk_forward or holdout (validation.kind is ${c.validation.kind}, whose folds would pass the meta test fold's labels to training rows through the primary's side)`,
        });
      }
      if (r.success && kindCapabilities(r.data.kind).needsSequences && c.data.tickers.length > 1) {
        ctx.addIssue({
          code: "custom",
          path: ["labels", "primary", "model", "kind"],
          message: `${r.data.kind} needs one ticker (its windows are runs of consecutive bars); data.tickers has ${c.data.tickers.length}`,
        });
      }
    }
  });

export type ExperimentConfig = z.output<typeof experimentConfigSchema>;
export type ExperimentConfigInput = z.input<typeof experimentConfigSchema>;
export type ModelEntry = ExperimentConfig["models"][number];

/** How many classes the config's labels have: what its models predict. */
export function classCount(config: Pick<ExperimentConfig, "labels">): 2 | 3 {
  const l = config.labels;
  if (l.kind === "fixed_horizon") return l.classes;
  if (l.kind === "triple_barrier") return l.output === "binary" ? 2 : 3;
  return 2;
}
export type ModelEntryInput = z.input<typeof modelEntrySchema>;

/** The name a model entry's results go by (`gbm`, `rf`, or its `name`). */
export function modelEntryName(m: ModelEntry): string {
  return m.name ?? m.kind;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly string[],
  ) {
    super(`${file}: invalid experiment config\n  ${issues.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

function parseIssues(input: unknown): { config: ExperimentConfig | null; issues: ConfigIssue[] } {
  const r = experimentConfigSchema.safeParse(input, { error: configErrorMap });
  if (r.success) return { config: r.data, issues: [] };
  return { config: null, issues: describeIssues(experimentConfigSchema, input, r.error.issues) };
}

/** Validates a parsed config object; issues are "<path>: <what was expected>". */
export function validateConfig(input: unknown, file = "config"): ExperimentConfig {
  const { config, issues } = parseIssues(input);
  if (config) return config;
  throw new ConfigError(
    file,
    issues.map((i) => `${yamlPath(i.path)}: ${i.message}`),
  );
}

export interface LoadedConfig {
  config: ExperimentConfig;
  /** The YAML text as read (logged as the artifact config.yaml). */
  text: string;
  file: string;
  /** sha256 of the normalised config (key order and comments do not change it). */
  hash: string;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function configHash(config: ExperimentConfig): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(config)))
    .digest("hex");
}

/**
 * The config's part of a trial's identity (src/tracking/trials.ts): its hash less what does not
 * change the variants evaluated: the run's name and description, where it is tracked, and the
 * controls (the shuffled-label control is not a trial, and a run that permutes its target or
 * injects a leak records no trials, so in a run that does, `controls` changes nothing it
 * evaluates), and when it is retrained, forecasts or is checked for drift (`schedule`, `forecast_schedule`,
 * `drift_schedule`). YAML comments never reach the parsed config.
 */
export function trialConfigHash(config: ExperimentConfig): string {
  const {
    name: _name,
    description: _description,
    tracking: _tracking,
    controls: _controls,
    schedule: _schedule,
    forecast_schedule: _forecastSchedule,
    drift_schedule: _driftSchedule,
    ...rest
  } = config;
  // A grid study changes none of the run's variants: its points are trials named by their own
  // thresholds and sizing (phases/backtestGrid.ts), so adding or editing it re-keys nothing.
  const { grid: _grid, ...backtest } = rest.backtest;
  return createHash("sha256")
    .update(JSON.stringify(canonical({ ...rest, backtest })))
    .digest("hex");
}

/**
 * A config's YAML document, and its issues as lines that start at `file:line:col` of the
 * deepest node of their path that exists (a missing key points at its parent mapping).
 */
function yamlDocument(text: string, file: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (offset: number | undefined) => {
    if (offset === undefined) return file;
    const p = lines.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `${where(e.pos[0])} YAML syntax: ${clipMessage(e.message)}`),
    );
  }
  const located = (issues: readonly ConfigIssue[]): ConfigError =>
    new ConfigError(
      file,
      issues.map(({ path, at, message }) => {
        const text = `${yamlPath(path)}: ${message}`;
        for (let k = at.length; k >= 0; k--) {
          const node = doc.getIn(at.slice(0, k) as (string | number)[], true) as { range?: [number, number, number] };
          if (node && typeof node === "object" && node.range) return `${where(node.range[0])} ${text}`;
        }
        return `${file} ${text}`;
      }),
    );
  return { value: doc.toJS() as unknown, located };
}

/** Parses YAML text; errors carry `file:line:col` of the offending node. */
export function parseConfig(text: string, file = "config.yaml"): LoadedConfig {
  const { value, located } = yamlDocument(text, file);
  const { config, issues } = parseIssues(value);
  if (config) return { config, text, file, hash: configHash(config) };
  throw located(issues);
}

function readConfigText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(path, [`cannot read the file: ${readProblem(err)}`]);
  }
}

export function loadConfigFile(path: string): LoadedConfig {
  return parseConfig(readConfigText(path), path);
}

type ExperimentBlocks = typeof experimentConfigSchema.shape;

/** Some blocks of a config file, each checked on its own, with loadConfigFile's errors. */
export interface ConfigBlocks {
  has(name: keyof ExperimentBlocks): boolean;
  block<K extends keyof ExperimentBlocks>(name: K): z.output<ExperimentBlocks[K]>;
}

/**
 * A config file read for a command that needs only some of its blocks (`wsp features` reads
 * data:, features: and regimes:): the rest may be missing or unfinished.
 */
export function loadConfigBlocks(path: string): ConfigBlocks {
  const { value, located } = yamlDocument(readConfigText(path), path);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(path, [`(top level): expected a mapping of the experiment's blocks, got ${shown(value)}`]);
  }
  const doc = value as Record<string, unknown>;
  return {
    has: (name) => doc[name] !== undefined,
    block<K extends keyof ExperimentBlocks>(name: K) {
      // The block's schema as it sits in the experiment's, so that paths start at the block.
      const schema = z.looseObject({ [name]: experimentConfigSchema.shape[name] });
      const r = schema.safeParse(doc, { error: configErrorMap });
      if (!r.success) throw located(describeIssues(schema, doc, r.error.issues));
      return (r.data as Record<string, unknown>)[name] as z.output<ExperimentBlocks[K]>;
    },
  };
}
