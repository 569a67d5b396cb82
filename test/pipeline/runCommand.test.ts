import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testMlflowUri } from "../setup/testMlflow";
import { wsp } from "../setup/wsp";

describe("wsp run", { timeout: 120_000 }, () => {
  it("runs universe-daily and prints scores, backtest, leakage, control, gates and the bias note", async () => {
    const r = await wsp(["run", "experiments/universe-daily.yaml", "--no-track"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const text of [
      "out of sample (walk-forward, calibrated):",
      "final holdout:",
      "ensemble weighted, weights (fitted on OOF)",
      "DSR P[SR>SR0]",
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
    // Every skipped preset entry on one line, with the count and the reasons.
    const skipped = r.stdout.split("\n").filter((l) => l.includes("skipped"));
    expect(skipped).toEqual([
      expect.stringMatching(
        /^ {2}features \(SPY\): \d+ preset entries skipped: .*\(needs intraday bars, the bars are 1d\).*\(the bars are the benchmark SPY itself\)$/,
      ),
    ]);
    expect(r.stdout).toMatch(
      /^ {2}labels \(SPY\): [\d,]+ of [\d,]+ rows labelled; \d+ without a label \(0 warm-up, 5 past the end, 0 removed by NaN inputs\)$/m,
    );
  });

  it("wsp start prints the run's address once and why PNGs were skipped", async () => {
    const uri = await testMlflowUri();
    const r = await wsp(["start", "--config", "experiments/fixtures/planted-signal.yaml", "--skip-ingest"], {
      MLFLOW_TRACKING_URI: uri,
      CHROMIUM_PATH: "/nonexistent/chromium",
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("promotion gates: PASSED");
    const links = r.stdout.split("\n").filter((l) => l.includes(`${uri}/#/experiments/`));
    expect(links).toEqual([expect.stringMatching(/^MLflow run: http:\/\/.*\/runs\/[0-9a-f]{32}$/)]);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(links[0]);
    expect(r.stdout).toContain(
      "PNG figures skipped: no Chromium at /nonexistent/chromium (apt-get install -y chromium, or set CHROMIUM_PATH); report.html has them all",
    );
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
