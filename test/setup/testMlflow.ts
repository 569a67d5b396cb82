/** For test files: the suite's MLflow server (see test/setup/mlflow.ts), started on first use. */
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { spawnMlflowServer, waitForMlflowHealth } from "../../src/services/index";

/**
 * The suite's MLflow URI once /health answers. The first caller across all workers (an exclusive
 * lock file decides) spawns the server; the others wait for it. Call from `beforeAll` (hook
 * timeout 120 s): a cold start on a loaded 2-core machine takes 10–30 s.
 */
export async function testMlflowUri(timeoutMs = 110_000): Promise<string> {
  const storeDir = inject("mlflowStoreDir");
  const logPath = join(storeDir, "server.log");
  let exitCode: () => number | null = () => null;
  try {
    closeSync(openSync(join(storeDir, "spawn.lock"), "wx"));
    const server = spawnMlflowServer({ repoRoot: inject("mlflowRepoRoot"), storeDir, port: inject("mlflowPort") });
    exitCode = server.exitCode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const uri = inject("mlflowTrackingUri");
  await waitForMlflowHealth(uri, timeoutMs, logPath, exitCode);
  return uri;
}
