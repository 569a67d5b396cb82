/**
 * `wsp promote <parent-run-id>`: registers the run's model and moves the `challenger` /
 * `champion` aliases by the promotion gates (src/promotion; the protocol in docs/architecture.md). A run it refuses (a child,
 * an unfinished run, one its own checks refused, one without a control, one whose holdout is
 * used up) is not registered: the error says why and the exit code is 1.
 */
import type { Command } from "commander";
import { promotedDir, promoteRun } from "../pipeline";
import { ensureMlflowServer } from "../services";
import { MlflowClient } from "../tracking";

export interface PromoteCommandHooks {
  /**
   * After a decision that leaves a champion with a promoted config: its retrain scheduler (the
   * job runner's, which the CLI cannot import; src/cli.ts passes it). Returns a line to print.
   */
  scheduleChampion?: (promotedConfig: string) => Promise<string>;
  /**
   * After every decision (it moved `challenger` or `champion`): tell running forecast services on
   * the job runner's Redis, best effort (src/cli.ts passes the job runner's). Returns a line to print.
   */
  announceChange?: (modelName: string) => Promise<string>;
}

export function registerPromoteCommand(program: Command, hooks: PromoteCommandHooks = {}): void {
  program
    .command("promote <parent-run-id>")
    .description("register a parent run's model; it becomes champion only when it passes every promotion gate")
    .option("--model-name <name>", "registered model name (default: the run's wsp.model_name tag, else its experiment)")
    .option("--force", "register a run its own checks refused (leakage, no signal); tagged wsp.forced, never champion")
    .option("--allow-no-control", "accept a run whose config switched the shuffled-label control off")
    .action(async (runId: string, flags: { modelName?: string; force?: boolean; allowNoControl?: boolean }) => {
      const server = await ensureMlflowServer();
      const client = new MlflowClient({ trackingUri: server.uri });
      const r = await promoteRun(client, runId, {
        modelName: flags.modelName,
        force: flags.force,
        allowNoControl: flags.allowNoControl,
        promotedDir: promotedDir(),
      });
      console.log(`${r.name} version ${r.version} (run ${r.runId}, model ${r.model})${r.forced ? " FORCED" : ""}`);
      console.log(r.description);
      console.log(
        r.champion
          ? `champion: ${r.name}@champion = v${r.version}${r.previousChampion ? ` (was v${r.previousChampion})` : ""}`
          : `challenger: ${r.name}@challenger = v${r.version}; champion ${r.previousChampion ? `stays v${r.previousChampion}` : "not set"}`,
      );
      if (r.promotedConfig) {
        console.log(`promoted config (retrained on schedule): ${r.promotedConfig}`);
        if (hooks.scheduleChampion) console.log(await hooks.scheduleChampion(r.promotedConfig));
      }
      if (hooks.announceChange) console.log(await hooks.announceChange(r.name));
      console.log(`${server.uri}/#/models/${encodeURIComponent(r.name)}/versions/${r.version}`);
    });
}
