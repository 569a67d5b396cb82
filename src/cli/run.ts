/**
 * `wsp run <config>`: one experiment YAML in, one MLflow parent run (with children and
 * artifacts) out. Prints per-model out-of-sample and holdout scores, the backtest against
 * buy-and-hold, leakage flags, the promotion-gate verdict and the run's MLflow UI address.
 */
import type { Command } from "commander";
import {
  experimentSummary,
  loadConfigFile,
  type RunHooks,
  runExperiment,
  runTracked,
  withStoreQuery,
} from "../pipeline";
import { describeAbandoned } from "../tracking";

export interface RunFlags {
  track: boolean;
  jobId?: string;
  png: boolean;
}

/** Runs one config file as `wsp run` does and prints its summary; returns the run's UI address. */
export async function runConfigFile(path: string, flags: RunFlags): Promise<string | null> {
  const loaded = loadConfigFile(path);
  // `data.source: store` (a promoted config) reads the operational store: DATABASE_URL, else PGlite.
  return withStoreQuery(loaded.config.data.source, {}, (fromStore) => runLoaded(loaded, flags, { fromStore }));
}

async function runLoaded(loaded: ReturnType<typeof loadConfigFile>, flags: RunFlags, hooks: RunHooks) {
  if (!flags.track) {
    const result = await runExperiment(loaded, hooks);
    process.stdout.write(`${experimentSummary(result, null)}\n(not tracked: --no-track)\n`);
    return null;
  }
  const run = await runTracked(loaded, { ...hooks, jobId: flags.jobId, png: flags.png });
  for (const line of describeAbandoned(run.abandoned)) process.stdout.write(`${line}\n`);
  // Before the summary, which ends with the run's address.
  if (run.pngSkipped) process.stdout.write(`PNG figures skipped: ${run.pngSkipped}; report.html has them all\n`);
  process.stdout.write(`${run.summary}\n`);
  if (run.offline) {
    process.stdout.write(
      `MLflow was unreachable: the run is queued in mlruns/outbox/ (${run.runId}); \`wsp mlflow sync\` sends it\n`,
    );
  }
  return run.runUrl;
}

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run an experiment config end to end and record it in MLflow")
    .argument("<config>", "experiment YAML, e.g. experiments/spy-daily.yaml")
    .option("--no-track", "do not record the run in MLflow")
    .option("--job-id <id>", "id of the queued job this run belongs to (tag wsp.job_id)")
    .option("--no-png", "skip the PNG renderings of the figures")
    .action(async (config: string, flags: RunFlags) => {
      await runConfigFile(config, flags);
    });
}
