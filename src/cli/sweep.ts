/**
 * `wsp sweep <config>`: a config with a `sweep:` block run in this process, variant by variant
 * (each exactly what `wsp run` records), then selected: the winner out of fold, the trial count,
 * PBO and the sweep's own MLflow run. `--plan` prints the variants and runs nothing. The same
 * sweep queued on workers is `wsp submit` (one train job per variant, a select job after them).
 */
import type { Command } from "commander";
import { expandSweep, loadConfigFile, runSweep, sweepSummary } from "../pipeline";

interface SweepFlags {
  plan: boolean;
  maxVariants?: string;
  png: boolean;
}

export function registerSweepCommand(program: Command): void {
  program
    .command("sweep")
    .description("run every variant of a config's sweep: block, then rank them, count trials and compute PBO")
    .argument("<config>", "experiment YAML with a sweep: block")
    .option("--plan", "print the variants and run nothing")
    .option("--max-variants <n>", "refuse sweeps of more variants than this (default: sweep.max_variants)")
    .option("--no-png", "skip the PNG renderings of each run's figures")
    .action(async (path: string, flags: SweepFlags) => {
      const maxVariants = flags.maxVariants === undefined ? undefined : Number(flags.maxVariants);
      if (maxVariants !== undefined && !Number.isInteger(maxVariants)) {
        throw new Error(`--max-variants: expected an integer, got ${JSON.stringify(flags.maxVariants)}`);
      }
      const plan = expandSweep(loadConfigFile(path), { maxVariants });
      process.stdout.write(`${plan.sweepId}: ${plan.variants.length} variants (${plan.sweep.mode})\n`);
      for (const v of plan.variants) process.stdout.write(`  ${v.loaded.config.name}\n`);
      if (flags.plan) return;
      const { selection, record } = await runSweep(plan, { png: flags.png, progress: false });
      process.stdout.write(`${sweepSummary(selection)}\n${record.runUrl ?? `sweep run ${record.runId}`}\n`);
    });
}
