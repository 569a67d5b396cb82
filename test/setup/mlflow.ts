/**
 * vitest globalSetup: a real MLflow server for the suite, from the project venv, on a free port
 * with its own store in a temporary directory (never the user's mlruns/). The server starts on
 * first use: the first test file calling `testMlflowUri()` (test/setup/testMlflow.ts) spawns it,
 * so runs of suites that never touch MLflow do not pay for it. Teardown stops it and removes the
 * store. MLFLOW_TRACKING_URI is exported to the workers so code under test finds the server, and
 * WSP_PROMOTED_DIR points promoted configs into the store.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { stopMlflowServer } from "../../src/services/index";
import { freePort } from "./freePort";

declare module "vitest" {
  export interface ProvidedContext {
    mlflowTrackingUri: string;
    mlflowRepoRoot: string;
    mlflowStoreDir: string;
    mlflowPort: number;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const repoRoot = resolve(project.config.root);
  if (!existsSync(join(repoRoot, ".venv", "bin", "mlflow"))) {
    throw new Error(
      "the test suite needs the project venv (.venv with mlflow): run `npm test`, which bootstraps it, or `node scripts/bootstrap.mjs`",
    );
  }
  const storeDir = mkdtempSync(join(tmpdir(), "wsp-test-mlflow-"));
  const port = Number(process.env.WSP_TEST_MLFLOW_PORT ?? (await freePort()));
  const uri = `http://127.0.0.1:${port}`;
  project.provide("mlflowTrackingUri", uri);
  project.provide("mlflowRepoRoot", repoRoot);
  project.provide("mlflowStoreDir", storeDir);
  project.provide("mlflowPort", port);
  process.env.MLFLOW_TRACKING_URI = uri;
  // Promotions under test (`wsp promote`, promote jobs) write their promoted configs beside the
  // suite's store, never into the checkout's experiments/promoted/.
  process.env.WSP_PROMOTED_DIR = join(storeDir, "promoted");
  return async () => {
    await stopMlflowServer({ repoRoot, storeDir }, 5000);
    rmSync(storeDir, { recursive: true, force: true });
  };
}
