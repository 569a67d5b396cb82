/**
 * `wsp`: the researcher's command line. Each area registers its own sub-commands so this file
 * stays a table of contents.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { announceModelChange, registerJobCommands, scheduleChampion } from "../jobs";
import { registerDataCommands } from "./cli/data";
import { registerDriftCommand } from "./cli/drift";
import { registerFeaturesCommands } from "./cli/features";
import { registerForecastCommand } from "./cli/forecast";
import { registerMlflowCommands } from "./cli/mlflow";
import { registerModelsCommands } from "./cli/models";
import { registerPromoteCommand } from "./cli/promote";
import { registerRunCommand } from "./cli/run";
import { registerServeCommand } from "./cli/serve";
import { registerServicesCommands } from "./cli/services";
import { registerStartCommand } from "./cli/start";
import { registerSweepCommand } from "./cli/sweep";

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

registerDataCommands(program);
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
registerRunCommand(program);
registerServeCommand(program);
registerServicesCommands(program);
registerStartCommand(program);
registerSweepCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
