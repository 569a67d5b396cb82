/**
 * Where a run's code comes from: the git commit of the repository (null outside a checkout, e.g.
 * a worker image without .git) and the package's version. Runs record both as tags; a job's
 * content key (jobKey.ts) hashes them so changed code never reuses an old result.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot } from "../services/mlflowServer";

export function git(args: string[]): string | null {
  const r = spawnSync("git", args, { encoding: "utf8", cwd: findRepoRoot() });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function codeVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(findRepoRoot(), "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}
