/**
 * `wsp ablate <config>`: the component ablation of an experiment config (docs/architecture.md,
 * "Ablation"): patterns → + regime → + context → + calibration and sizing → full (→ drop the
 * bottom k by SHAP), each step's out-of-sample ΔAUC and Δ deflated Sharpe against the step
 * before with a paired stationary-bootstrap interval; a parent MLflow run with one child per
 * step, a progress bar over the steps on a terminal, and the table (or `--json`) at the end.
 */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { ABLATION_STEPS, type AblationStepName, DEFAULT_ABLATION_STEPS } from "../explain";
import {
  type AblationOptions,
  type AblationResult,
  ablationTable,
  loadConfigFile,
  runAblation,
  runAblationTracked,
  withStoreQuery,
} from "../pipeline";

interface AblateFlags {
  steps?: string;
  bottomK?: string;
  resamples: string;
  seed: string;
  json: boolean;
  track: boolean;
}

function integer(option: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new Error(`${option}: expected an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  return n;
}

/** The options a command line asks for; every error names its option. */
export function ablateOptions(flags: Omit<AblateFlags, "json" | "track">): AblationOptions {
  const bottomK = flags.bottomK === undefined ? undefined : integer("--bottom-k", flags.bottomK, 1);
  let steps: AblationStepName[] | undefined;
  if (flags.steps !== undefined) {
    const names = flags.steps
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (names.length === 0) throw new Error(`--steps: expected a comma-separated list of ${ABLATION_STEPS.join(", ")}`);
    for (const n of names) {
      if (!(ABLATION_STEPS as readonly string[]).includes(n))
        throw new Error(`--steps: unknown step ${JSON.stringify(n)}; steps: ${ABLATION_STEPS.join(", ")}`);
    }
    steps = names as AblationStepName[];
    if (steps.includes("drop_bottom_k") && bottomK === undefined)
      throw new Error("--steps: drop_bottom_k needs --bottom-k <k>");
  } else if (bottomK !== undefined) {
    steps = [...DEFAULT_ABLATION_STEPS, "drop_bottom_k"];
  }
  return {
    steps,
    bottomK,
    resamples: integer("--resamples", flags.resamples, 1),
    seed: integer("--seed", flags.seed, 0),
  };
}

/** The result as JSON: the config by its hash (the YAML is the caller's), NaN as null. */
function resultJson(r: AblationResult): string {
  const { config, ...rest } = r;
  return JSON.stringify(
    { config: config.name, ...rest },
    (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  );
}

function progressBar(show: boolean): Pick<AblationOptions, "onProgress"> & { stop(): void } {
  if (!show) return { stop: () => {} };
  const bar = new SingleBar({
    format: "ablation     |{bar}| {value}/{total} {step} {duration_formatted}",
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: false,
  });
  let started = false;
  return {
    onProgress: (done, total, what) => {
      if (!started) bar.start(total, 0, { step: "" });
      started = true;
      bar.update(done, { step: what });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

export function registerAblateCommand(program: Command): void {
  program
    .command("ablate")
    .description(
      "component ablation: patterns → + regime → + context → + calibration and sizing → full, with bootstrap intervals",
    )
    .argument("<config>", "experiment YAML, e.g. experiments/spy-daily.yaml")
    .option("--steps <list>", `comma-separated steps to run (default ${DEFAULT_ABLATION_STEPS.join(",")})`)
    .option("--bottom-k <k>", "also drop the k features of lowest mean |SHAP| (ranked inside each training fold)")
    .option("--resamples <n>", "stationary-bootstrap resamples", "1000")
    .option("--seed <n>", "bootstrap seed", "0")
    .option("--json", "print the result as JSON instead of the table")
    .option("--no-track", "do not record the ablation in MLflow")
    .action(async (path: string, flags: AblateFlags) => {
      const opts = ablateOptions(flags);
      const loaded = loadConfigFile(path);
      const bar = progressBar(process.stderr.isTTY === true);
      const run = await withStoreQuery(loaded.config.data.source, {}, async (fromStore) => {
        const all = { ...opts, onProgress: bar.onProgress, hooks: { fromStore } };
        try {
          if (!flags.track)
            return { result: await runAblation(loaded, all), runUrl: null, runId: null, offline: false };
          return await runAblationTracked(loaded, all);
        } finally {
          bar.stop();
        }
      });
      if (flags.json) {
        process.stdout.write(`${resultJson(run.result)}\n`);
        return;
      }
      process.stdout.write(`${ablationTable(run.result)}\n`);
      if (!flags.track) process.stdout.write("(not tracked: --no-track)\n");
      else if (run.offline)
        process.stdout.write(
          `MLflow was unreachable: the ablation is queued in mlruns/outbox/ (${run.runId}); \`wsp mlflow sync\` sends it\n`,
        );
      else process.stdout.write(`MLflow run: ${run.runUrl ?? run.runId}\n`);
    });
}
