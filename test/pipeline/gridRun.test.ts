import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { promoteRun } from "../../src/pipeline";
import { experimentLedger, MlflowClient, ModelRegistry, tagRecord } from "../../src/tracking";
import { testMlflowUri } from "../setup/testMlflow";
import { wsp } from "../setup/wsp";
import { PLANTED_SIGNAL_CONFIG } from "./plantedSignal";

describe("wsp run with backtest.grid and go/no-go gates", { timeout: 180_000 }, () => {
  let uri = "";
  beforeAll(async () => {
    uri = await testMlflowUri();
  }, 120_000);

  it("logs the grid, counts its points as trials, and wsp promote records each go/no-go gate", async () => {
    const experiment = `grid-run-${Date.now()}`;
    const doc = parseDocument(readFileSync(PLANTED_SIGNAL_CONFIG, "utf8"));
    doc.setIn(["tracking", "experiment"], experiment);
    doc.setIn(["tracking", "model_name"], `${experiment}-model`);
    doc.setIn(["backtest", "stress"], doc.createNode(["covid_2020"]));
    // The control's refit is not what this test is about (and costs a walk-forward).
    doc.setIn(["controls", "shuffled_labels"], false);
    doc.setIn(
      ["backtest", "grid"],
      doc.createNode({ long_above: { from: 0.52, to: 0.6, step: 0.02 }, short_above: "same" }),
    );
    for (const [k, v] of Object.entries({
      max_ece: 0.05,
      min_accuracy: 0.55,
      max_drawdown: 0.25,
      min_win_rate: 0.5,
      max_stress_drawdown: 0.25,
      max_pbo: 1,
      // No honest daily strategy reaches this: the one gate that must fail.
      min_sharpe: 5,
    })) {
      doc.setIn(["promotion", k], v);
    }
    const dir = mkdtempSync(join(tmpdir(), "wsp-grid-"));
    try {
      const file = join(dir, "grid.yaml");
      writeFileSync(file, doc.toString());
      const r = await wsp(["run", file], { MLFLOW_TRACKING_URI: uri, CHROMIUM_PATH: "/nonexistent/chromium" });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/backtest\.grid: 5 points on \w+, PBO [\d.]+ \(CSCV, 16 blocks, 12870 splits\)/);
      expect(r.stdout).toMatch(/\[no\] min_sharpe: final-holdout Sharpe \(annualised, after costs\) [\d.]+ needs >= 5/);
      expect(r.stdout).toMatch(/\[ok\] max_ece: ECE of the out-of-fold predictions [\d.]+ needs <= 0\.05/);
      const runId = /runs\/([0-9a-f]{32})/.exec(r.stdout)?.[1];
      if (!runId) throw new Error(`no run id in ${r.stdout}`);

      const client = new MlflowClient({ trackingUri: uri });
      const run = await client.getRun(runId);
      const metrics = new Map((run.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));
      expect(metrics.get("grid_points")).toBe(5);
      const grid = JSON.parse(new TextDecoder().decode(await client.downloadArtifact(runId, "backtest/grid.json")));
      expect(grid.points).toBe(5);
      expect(grid.pbo.value).toBe(metrics.get("grid_pbo"));
      expect(grid.grid.map((p: { long_above: number }) => p.long_above)).toEqual([0.52, 0.54, 0.56, 0.58, 0.6]);
      const best = Math.max(...grid.grid.map((p: { oos_sharpe: number }) => p.oos_sharpe));
      expect(grid.best.oos.sharpe).toBe(best);
      expect(grid.best.holdout.bars).toBeGreaterThan(400);

      // The fresh experiment's ledger: the run's three variants and the five grid points.
      const ledger = experimentLedger(await client.getExperiment(run.info.experiment_id));
      const variants = [...ledger.values()].map((t) => t.variant).sort();
      expect(variants).toHaveLength(3 + 5);
      expect(variants.filter((v) => v.startsWith(`${grid.variant}@grid:long_above=`))).toHaveLength(5);
      expect(metrics.get("trials")).toBe(8);

      const promoted = await promoteRun(client, runId, { allowNoControl: true });
      const goNoGo = promoted.gates.slice(4).map((g) => [g.gate, g.passed]);
      expect(goNoGo).toEqual([
        ["max_ece", true],
        ["min_accuracy", true],
        ["min_sharpe", false],
        ["max_drawdown", true],
        ["min_win_rate", true],
        ["max_stress_drawdown", true],
        ["max_pbo", true],
      ]);
      expect(promoted.champion).toBe(false);
      const version = await new ModelRegistry(client).getModelVersion(promoted.name, promoted.version);
      const tags = tagRecord(version?.tags);
      expect(tags["gate.min_sharpe"]).toBe("fail");
      expect(tags["gate.min_sharpe.threshold"]).toBe("5");
      expect(Number(tags["gate.min_sharpe.value"])).toBeCloseTo(metrics.get("holdout_sharpe") ?? Number.NaN, 4);
      expect(tags["gate.max_pbo.value"]).toBe(String(Number((metrics.get("grid_pbo") ?? 0).toPrecision(6))));
      expect(tags["gate.max_ece"]).toBe("pass");
      expect(promoted.description).toContain(
        "- max_stress_drawdown: PASS: worst max drawdown in the backtest.stress windows",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
