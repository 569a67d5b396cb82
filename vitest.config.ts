import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // PostgreSQL and Redis found or started for the suite (test/setup/services.ts), and a real
    // MLflow server on its own port and store (never the user's mlruns/).
    globalSetup: ["./test/setup/services.ts", "./test/setup/mlflow.ts"],
    // Integration suites share one Redis, PostgreSQL and MLflow server; two cores on CI.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/summaryReporter.ts"],
  },
});
