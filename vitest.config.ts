import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A real MLflow server for the suite on its own port and store (never the user's mlruns/).
    globalSetup: ["./test/setup/mlflow.ts"],
    // Integration suites share one Redis, PostgreSQL and MLflow server; two cores on CI.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/summaryReporter.ts"],
  },
});
