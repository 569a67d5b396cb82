/**
 * `features.exclude` and `features.regimes` through `wsp run` (its action, `runConfigFile`, in
 * process: a child process costs 20 s on a loaded machine) on a small SPY config: the model
 * sees no excluded column (by name, and every timeframe's column of an excluded family) and sees
 * the regime columns; the run logs `regimes/breakdown.json`, whose tables add up to the whole
 * run (rows, backtest bars, compounded return); bad values fail naming the YAML path.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConfigFile } from "../../src/cli/run";
import { REGIME_COLUMNS } from "../../src/features";
import { parseConfig, type RegimeBreakdown, runExperiment } from "../../src/pipeline";
import { MlflowClient } from "../../src/tracking";
import { testMlflowUri } from "../setup/testMlflow";

const CONFIG = `name: features-keys
tracking: { experiment: features-keys }
data: { tickers: [SPY], timeframe: 1d, start: 2010-01-01, end: 2024-12-31, context: [VIX] }
features:
  set:
    - { indicator: rsi, params: { period: 14 } }
    - { indicator: ret, params: { period: 5 } }
    - { indicator: natr, params: { period: 14 } }
    - { indicator: bollinger, outputs: [width] }
    - { indicator: percentile_rank, params: { period: 252 }, context: VIX }
  timeframes: [1w]
  exclude: ["1w:ret_5", volatility]
  regimes: [trend3, grid12]
labels: { kind: fixed_horizon, horizon: 5 }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P2Y }
models:
  - { kind: gbm, params: { n_trees: 10, max_depth: 2, min_child_weight: 20 } }
  - { kind: logistic, params: { C: 0.1 } }
ensemble: { kind: weighted }
backtest: { benchmark: SPY, stress: [] }
`;

const dir = mkdtempSync(join(tmpdir(), "wsp-features-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let uri: string;
// A cold MLflow start takes up to 110 s on a loaded machine: the hook's timeout, not the test's.
beforeAll(async () => {
  uri = await testMlflowUri();
}, 120_000);

function configFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Every table of the breakdown sums to the whole run. */
function expectPartitions(b: RegimeBreakdown): void {
  const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  for (const s of b.splits) {
    expect(s.codes.length).toBe(s.scores.length);
    expect(sum(s.scores.map((r) => r.oos.rows))).toBe(b.total.oosRows);
    expect(sum(s.scores.map((r) => r.holdout.rows))).toBe(b.total.holdoutRows);
    if (s.backtest === null) continue;
    expect(sum(s.backtest.map((r) => r.bars))).toBe(b.total.backtestBars);
    const growth = s.backtest.reduce((g, r) => g * (1 + r.totalReturn), 1);
    expect(growth - 1).toBeCloseTo(b.total.backtestReturn, 10);
  }
}

describe("features.exclude and features.regimes in a run", { timeout: 120_000 }, () => {
  it("the models see no excluded column and the regime columns; the breakdown's tables add up", async () => {
    const r = await runExperiment(parseConfig(CONFIG), { progress: false });
    const seen = r.models[0].model.featureNames;
    expect(r.models[1].model.featureNames).toEqual(seen);
    expect(seen).toEqual([
      "rsi_14",
      "ret_5",
      "VIX/percentile_rank_252",
      "1w:rsi_14",
      ...REGIME_COLUMNS.trend3,
      ...REGIME_COLUMNS.grid12,
    ]);
    expect(r.notes).toContain(
      "features.exclude: 5 columns left out (1w:ret_5, natr_14, bollinger_width_20_2, 1w:natr_14, 1w:bollinger_width_20_2)",
    );
    const b = r.regimeBreakdown;
    expect(b.variant).toBe("ensemble");
    expect(b.splits.map((s) => [s.split, s.column, s.scores.length])).toEqual([
      ["trend3", "regime_trend", 4],
      ["grid12", "regime_grid", 13],
    ]);
    expect(b.total.oosRows).toBe(r.ensemble?.oos.rows);
    expect(b.total.holdoutRows).toBe(r.ensemble?.holdout.rows);
    expect(b.total.backtestBars).toBe(r.backtest.run.simulation.returns.length - 1); // bar 0 has no return
    expectPartitions(b);
  });

  it("wsp run logs regimes/breakdown.json", async () => {
    const before = process.env.MLFLOW_TRACKING_URI;
    process.env.MLFLOW_TRACKING_URI = uri;
    let url: string | null;
    try {
      url = await runConfigFile(configFile("keys.yaml", CONFIG), { track: true, png: false });
    } finally {
      if (before === undefined) delete process.env.MLFLOW_TRACKING_URI;
      else process.env.MLFLOW_TRACKING_URI = before;
    }
    const runId = /\/runs\/([0-9a-f]{32})$/.exec(url ?? "")?.[1] as string;
    const client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    const json = new TextDecoder().decode(await client.downloadArtifact(runId, "regimes/breakdown.json"));
    const b = JSON.parse(json) as RegimeBreakdown;
    expect(b.splits.map((s) => s.split)).toEqual(["trend3", "grid12"]);
    expect(b.splits[1].codes.slice(0, 2)).toEqual(["L B- A-", "L B- A+"]);
    expectPartitions(b);
  });

  it("bad values fail naming the YAML path", async () => {
    const run = (name: string, text: string) => runConfigFile(configFile(name, text), { track: false, png: false });
    await expect(run("unknown.yaml", CONFIG.replace('"1w:ret_5", volatility', "volatilty"))).rejects.toThrow(
      "features.exclude[0]: volatilty is no column or family of this feature set; close: volatility",
    );
    await expect(run("scheme.yaml", CONFIG.replace("[trend3, grid12]", "[trend3, grid21]"))).rejects.toThrow(
      /scheme\.yaml:\d+:.*features\.regimes\[1\]/,
    );
  });
});
