/**
 * A train job's content key, its BullMQ job id and its runs' tag `wsp.job_id`: a hash of the
 * config (`loaded.hash`, key order and comments aside), the content hash of the data it loads
 * (the `data` phase's, the same a trial's identity uses) and the code (git commit, plus a hash
 * of uncommitted changes to tracked files, else the package version outside a checkout). The same
 * work submitted twice has one key, so the second submission finds the first's job or run;
 * changed code, data or config is new work.
 */
import { createHash } from "node:crypto";
import type { LoadedConfig } from "./config";
import type { RunHooks } from "./experimentResult";
import { codeVersion, git } from "./provenance";
import { runPhases } from "./runExperiment";

/** The code a run executes: `<commit>[+<diff hash>]`, or `v<package version>` without git. */
export function codeIdentity(): string {
  const commit = git(["rev-parse", "HEAD"]);
  if (commit === null) return `v${codeVersion()}`;
  const diff = git(["diff", "HEAD", "--no-ext-diff", "--binary"]) ?? "";
  return diff === "" ? commit : `${commit}+${createHash("sha256").update(diff).digest("hex").slice(0, 12)}`;
}

/** `train-<32 hex>`: not integer-like (BullMQ refuses such custom ids) and readable in a list. */
export function trainKey(configHash: string, dataHash: string, code: string): string {
  const h = createHash("sha256").update(`${configHash}\n${dataHash}\n${code}`).digest("hex");
  return `train-${h.slice(0, 32)}`;
}

/** Loads the config's data (the `data` phase only) to hash it, and returns the job's key. */
export async function trainKeyOf(loaded: LoadedConfig, hooks: Pick<RunHooks, "dataDir"> = {}): Promise<string> {
  const { data } = await runPhases(loaded, "data", { ...hooks, progress: false });
  return trainKey(loaded.hash, data.dataHash, codeIdentity());
}
