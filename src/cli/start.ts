/**
 * `wsp start` (what `npm start` runs after bootstrapping): make sure a local MLflow server runs
 * (left running; or the one MLFLOW_TRACKING_URI names), ingest the bundled data into the
 * operational store, run the default experiment and end with the run's MLflow UI address.
 */
import type { Command } from "commander";
import { ensureMlflowServer } from "../services";
import { ingestFiles } from "./data";
import { runConfigFile } from "./run";

export const DEFAULT_EXPERIMENT = "experiments/spy-daily.yaml";

export function registerStartCommand(program: Command): void {
  program
    .command("start")
    .description("the main job: MLflow up, bundled data into the store, the default experiment end to end")
    .option("--config <path>", "experiment to run", DEFAULT_EXPERIMENT)
    .option("--skip-ingest", "do not (re-)ingest the bundled data into the store")
    .action(async (flags: { config: string; skipIngest?: boolean }) => {
      const server = await ensureMlflowServer();
      const how = server.external
        ? "MLFLOW_TRACKING_URI"
        : server.started
          ? "started, left running"
          : "already running";
      process.stdout.write(`MLflow (${how}): ${server.uri}\n`);
      if (!flags.skipIngest) await ingestFiles([], true);
      const url = await runConfigFile(flags.config, { track: true, png: true });
      // The summary already ends with the run's address; without one (outbox), the UI's.
      if (!url) process.stdout.write(`\nMLflow UI: ${server.uri}\n`);
    });
}
