/**
 * The notebooks run headless in the project venv's tslab kernel: notebooks/ passes, a broken
 * fixture fails naming its cell, and src/ conventions (folder imports, zod types) compile. The notebooks execute at once
 * (each kernel start costs seconds). Notebook 07 runs a queued sweep: a worker process, the suite's
 * Redis and MLflow.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
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
  const shipped = testMlflowUri().then(() => notebooksCheck([], { REDIS_URL: inject("testRedisUrl") }));
  const broken = notebooksCheck(["test/fixtures/notebooks/broken.ipynb"]);
  const conventions = notebooksCheck(["test/fixtures/notebooks/src-conventions.ipynb"]);

  it("runs every notebook in notebooks/ without a cell error", async () => {
    const run = await shipped;
    expect(run.stderr).not.toContain("FAILED");
    expect(run.stdout).toMatch(/notebooks:check: ok notebooks\/00-data-tour\.ipynb \(\d+ cells, kernel tslab/);
    // The component ablation: six steps through the runner's phases and a paired bootstrap.
    expect(run.stdout).toMatch(/notebooks:check: ok notebooks\/03-ablation\.ipynb \(\d+ cells, kernel tslab/);
    // The queued sweep: Redis, MLflow, a worker child process and a BullMQ flow, from a notebook.
    expect(run.stdout).toMatch(/notebooks:check: ok notebooks\/07-queued-sweep\.ipynb \(\d+ cells, kernel tslab/);
    expect(run.code).toBe(0);
    // Four notebooks in a row, 07 with a worker process and a sweep (~1 min alone on this machine).
  }, 480_000);

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
