/**
 * `wsp promote <parent-run-id>`: registers the run's model and moves the `challenger` /
 * `champion` aliases by the promotion gates (src/tracking/promotion).
 */
import type { Command } from "commander";
import { ensureMlflowServer, MlflowClient, promoteRun } from "../tracking";

export function registerPromoteCommand(program: Command): void {
  program
    .command("promote <parent-run-id>")
    .description("register a parent run's model; it becomes champion only when it passes every promotion gate")
    .option("--model-name <name>", "registered model name (default: the run's wsp.model_name tag, else its experiment)")
    .action(async (runId: string, flags: { modelName?: string }) => {
      const server = await ensureMlflowServer();
      const client = new MlflowClient({ trackingUri: server.uri });
      const r = await promoteRun(client, runId, { modelName: flags.modelName });
      console.log(`${r.name} version ${r.version} (run ${r.runId}, model ${r.model})`);
      console.log(r.description);
      console.log(
        r.champion
          ? `champion: ${r.name}@champion = v${r.version}${r.previousChampion ? ` (was v${r.previousChampion})` : ""}`
          : `challenger: ${r.name}@challenger = v${r.version}; champion ${r.previousChampion ? `stays v${r.previousChampion}` : "not set"}`,
      );
      console.log(`${server.uri}/#/models/${encodeURIComponent(r.name)}/versions/${r.version}`);
    });
}
