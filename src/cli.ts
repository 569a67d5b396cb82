/**
 * `wsp`: the researcher's command line. Each area registers its own sub-commands so this file
 * stays a table of contents.
 */
import { Command } from "commander";
import { registerDataCommands } from "./cli/data";
import { registerFeaturesCommands } from "./cli/features";
import { registerMlflowCommands } from "./cli/mlflow";
import { registerModelsCommands } from "./cli/models";
import { registerPromoteCommand } from "./cli/promote";
import { registerRunCommand } from "./cli/run";
import { registerStartCommand } from "./cli/start";

const program = new Command()
  .name("wsp")
  .description("Trading-research workspace: data, features, experiments, MLflow")
  .showHelpAfterError();

registerDataCommands(program);
registerFeaturesCommands(program);
registerMlflowCommands(program);
registerPromoteCommand(program);
registerModelsCommands(program);
registerRunCommand(program);
registerStartCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
