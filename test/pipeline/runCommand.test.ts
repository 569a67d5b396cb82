/**
 * `wsp run` as users call it: the real CLI in a child process. The fast shipped experiment
 * (universe-daily, untracked) prints the whole summary; a bad config fails with exit code 1 and
 * a message naming the file, line and config path.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function wsp(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "src/cli.ts", ...args], { cwd: process.cwd() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("wsp run", { timeout: 120_000 }, () => {
  it("runs universe-daily and prints scores, backtest, leakage, control, gates and the bias note", async () => {
    const r = await wsp(["run", "experiments/universe-daily.yaml", "--no-track"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const text of [
      "out of sample (walk-forward, calibrated):",
      "final holdout:",
      "ensemble weights (fitted on OOF)",
      "deflated Sharpe",
      "buy-and-hold SPY",
      "leakage checks:",
      "shuffled-label control",
      "promotion gates:",
      "survivorship-biased",
      "(not tracked: --no-track)",
    ]) {
      expect(r.stdout).toContain(text);
    }
    expect(r.stdout).toMatch(/^gbm +0\.\d{4} +0\.\d{4} +0\.\d{4} +0\.\d{4} +\d+$/m);
  });

  it("reports config errors with file, line and YAML path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wsp-run-cli-"));
    try {
      const file = join(dir, "bad.yaml");
      writeFileSync(
        file,
        "name: bad\ntracking: { experiment: x }\ndata: { tickers: [SPY] }\nlabels: { kind: fixed_horizon, horizon: 0 }\nvalidation: { kind: walk_forward, train: P2Y, test: P1Y }\nmodels: [{ kind: gbm }]\n",
      );
      const r = await wsp(["run", file, "--no-track"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file}:4:`);
      expect(r.stderr).toContain("labels.horizon: expected an integer in [1, 100000], got 0");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
