/**
 * `wsp`: the researcher's command line. Each area registers its own sub-commands so this file
 * stays a table of contents.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import {
  announceModelChange,
  EVALUATE_SCHEDULER_ID,
  queueEvaluationAfter,
  reachableRedis,
  registerJobCommands,
  scheduleChampion,
} from "../jobs";
import { registerDataCommands } from "./cli/data";
import { registerDriftCommand } from "./cli/drift";
import { registerFeaturesCommands } from "./cli/features";
import { registerForecastCommand } from "./cli/forecast";
import { registerMlflowCommands } from "./cli/mlflow";
import { registerModelsCommands } from "./cli/models";
import { registerPaperCommand } from "./cli/paper";
import { registerMonitorCommand } from "./cli/monitor";
import { registerPromoteCommand } from "./cli/promote";
import { registerRunCommand } from "./cli/run";
import { registerServeCommand } from "./cli/serve";
import { registerServicesCommands } from "./cli/services";
import { registerStartCommand } from "./cli/start";
import { registerSweepCommand } from "./cli/sweep";
import { registerAblateCommand } from "./cli/ablate";

/** The version users report in issues is the one in package.json, read at run time: one source. */
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

const program = new Command()
  .name("wsp")
  .description("Trading-research workspace: data, features, experiments, MLflow, local services")
  .version(version)
  .showHelpAfterError()
  // A command's options are its own, not its parent's: `wsp submit forecast m --wait` waits for
  // the forecast job (inherited by every command; no group command has options of its own).
  .enablePositionalOptions();

registerDataCommands(program, {
  queueEvaluation: async (source, schema) => {
    // A Redis that answers now: an ingest starts no server for a job nobody may serve.
    const redisUrl = await reachableRedis();
    if (!redisUrl) {
      throw new Error(
        `--evaluate: no Redis answers (REDIS_URL, 127.0.0.1:6379, the project-local one), so no evaluate job was queued; ` +
          `the bars are stored, and a worker serving the evaluate queue evaluates them at its next ${EVALUATE_SCHEDULER_ID} firing`,
      );
    }
    const job = await queueEvaluationAfter(source, schema, { redisUrl });
    return `evaluate job ${job.id} ${job.existing ? "was queued already" : "queued"} (schema ${schema})`;
  },
});
registerDriftCommand(program);
registerFeaturesCommands(program);
registerForecastCommand(program);
registerJobCommands(program);
registerMlflowCommands(program);
registerPromoteCommand(program, {
  scheduleChampion: (path) => scheduleChampion(path),
  announceChange: async (model) => (await announceModelChange(model)).line,
});
registerModelsCommands(program);
registerPaperCommand(program);
registerMonitorCommand(program);
registerRunCommand(program);
registerServeCommand(program);
registerServicesCommands(program);
registerStartCommand(program);
registerSweepCommand(program);
registerAblateCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
