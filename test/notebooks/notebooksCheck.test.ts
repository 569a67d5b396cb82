/**
 * The notebooks run headless in the project venv's tslab kernel: notebooks/ passes, a broken
 * fixture fails naming its cell, and src/ conventions (folder imports, zod types) compile. The notebooks execute at once
 * (each kernel start costs seconds), two at a time. Notebook 07 runs a queued sweep: a worker process, the suite's
 * Redis and MLflow. Every other notebook logs its figures and metrics through `track()` to a run
 * tagged with its path, in the suite's MLflow.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { NOTEBOOK_TAG } from "../../src/pipeline/index";
import { MlflowClient } from "../../src/tracking/index";
import { testMlflowUri } from "../setup/testMlflow";

const repo = process.cwd();
const python = join(repo, ".venv", "bin", "python");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function notebooksCheck(args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [join(repo, "scripts", "notebooks-check.py"), ...args], {
      cwd: repo,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("notebooks:check", () => {
  // 07 queues a sweep: it records in the suite's MLflow (MLFLOW_TRACKING_URI, started first) and
  // queues on the suite's Redis, under a prefix of its own.
  // 06 runs its 50-ticker slice of the universe (WSP_NOTEBOOK_FULL=1 runs every name).
  const shipped = testMlflowUri().then(() =>
    notebooksCheck([], { REDIS_URL: inject("testRedisUrl"), WSP_NOTEBOOK_FULL: "0" }),
  );
  const shippedNotebooks = readdirSync(join(repo, "notebooks"))
    .filter((f) => f.endsWith(".ipynb"))
    .sort();
  const broken = notebooksCheck(["test/fixtures/notebooks/broken.ipynb"]);
  const conventions = notebooksCheck(["test/fixtures/notebooks/src-conventions.ipynb"]);

  it("runs every notebook in notebooks/ without a cell error", async () => {
    const run = await shipped;
    expect(run.stderr).not.toContain("FAILED");
    for (const name of [
      "00-data-tour",
      "01-features-shap-ablation",
      "02-importance",
      // The component ablation: the steps through the runner's phases and a paired bootstrap.
      "03-ablation",
      "04-calibration",
      "05-backtest",
      "06-universe",
      // The queued sweep: Redis, MLflow, a worker child process and a BullMQ flow, from a notebook.
      "07-queued-sweep",
    ]) {
      expect(shippedNotebooks).toContain(`${name}.ipynb`);
    }
    for (const file of shippedNotebooks) {
      expect(run.stdout).toMatch(
        new RegExp(`notebooks:check: ok notebooks/${file.replace(/\./g, "\\.")} \\(\\d+ cells, kernel tslab`),
      );
    }
    expect(run.stdout).toMatch(/notebooks:check: \d+ of \d+ ok in [\d.]+ s \(2 at a time\)/);
    expect(run.code).toBe(0);
    // Eight notebooks two at a time; each spends most of its time in tslab compiling src/ (15 min
    // measured on this 2-core machine at a load average of ~20, beside the two checks below).
  }, 1_500_000);

  it("logs each notebook but the job runner's (07 records its sweep's runs) to a finished run tagged with its path", async () => {
    await shipped;
    const client = new MlflowClient({ trackingUri: await testMlflowUri() });
    for (const file of shippedNotebooks.filter((f) => !f.startsWith("07-"))) {
      const path = `notebooks/${file}`;
      const experiment = await client.getExperimentByName(`notebook-${file.replace(/\.ipynb$/, "")}`);
      expect(experiment, path).not.toBeNull();
      const runs = await client.searchAllRuns({
        experimentIds: [experiment?.experiment_id as string],
        filter: `tags.\`${NOTEBOOK_TAG}\` = '${path}'`,
      });
      expect(
        runs.map((r) => r.info.status),
        path,
      ).toContain("FINISHED");
      const run = runs.find((r) => r.info.status === "FINISHED");
      const artifacts = await client.listArtifacts(run?.info.run_id as string, "figures");
      expect(artifacts.length, `${path}: figures/`).toBeGreaterThan(0);
      expect(run?.data.metrics?.length ?? 0, `${path}: metrics`).toBeGreaterThan(0);
    }
  }, 1_560_000);

  it("accepts src/ conventions (folder imports, zod 4 types under strict checks, tree work on worker threads) and files added under src/ while it runs", async () => {
    const run = await conventions;
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("ok test/fixtures/notebooks/src-conventions.ipynb (9 cells");
    expect(run.code).toBe(0);
  }, 240_000);

  it("fails on a broken notebook, naming the notebook, the cell and the error", async () => {
    const run = await broken;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("FAILED test/fixtures/notebooks/broken.ipynb cell 3 of 4");
    expect(run.stderr).toContain("unknown ticker NOPE");
    expect(run.stdout).not.toContain("never reached");
  }, 240_000);
});

describe("the tslab kernel in the venv's Jupyter", () => {
  it("is registered and starts through the repo-root wrapper", async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(join(repo, ".venv", "bin", "jupyter"), ["kernelspec", "list", "--json"]);
      let text = "";
      child.stdout.on("data", (d) => {
        text += d;
      });
      child.on("error", reject);
      child.on("close", () => resolve(text));
    });
    const specs = JSON.parse(out).kernelspecs as Record<string, { spec: { argv: string[]; language: string } }>;
    expect(specs.tslab.spec.language).toBe("typescript");
    expect(specs.tslab.spec.argv[0]).toBe(join(repo, "scripts", "tslab-kernel.sh"));
  }, 60_000);
});
