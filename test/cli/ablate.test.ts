import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ablateOptions } from "../../src/cli/ablate";
import { experimentLedger, MlflowClient } from "../../src/tracking/index";
import { testMlflowUri } from "../setup/testMlflow";
import { wsp } from "../setup/wsp";

const EXPERIMENT = `ablate-cli-${process.pid}`;
const CONFIG = `name: ablate-fixture
tracking: { experiment: ${EXPERIMENT} }
data: { tickers: [PLNT], timeframe: 1d, source: "synthetic:planted-signal", context: [SENT], start: 2013-01-01 }
features:
  set:
    - { indicator: close, context: SENT, transforms: ["diff(1)"] }
    - { indicator: ret, params: { period: 1 } }
    - { indicator: volume_zscore }
    - { indicator: calendar }
labels: { kind: fixed_horizon, horizon: 5 }
validation: { kind: walk_forward, train: P3Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P2Y }
models:
  - { kind: gbm, params: { n_trees: 20, max_depth: 2, learning_rate: 0.1, min_child_weight: 20 } }
calibration: { method: platt }
signals: { long_above: 0.55, short_above: 0.55, hold_bars: 5 }
sizing: { kind: vol_target, target: 0.15 }
costs: { commission_bps: 1, slippage_bps: 2 }
backtest: { benchmark: PLNT, stress: [], grid: { long_above: [0.52, 0.56] } }
controls: { shuffled_labels: false }
`;

describe("wsp ablate", { timeout: 180_000 }, () => {
  let dir: string;
  let file: string;
  let uri: string;
  beforeAll(async () => {
    uri = await testMlflowUri();
    dir = mkdtempSync(join(tmpdir(), "wsp-ablate-"));
    file = join(dir, "ablate.yaml");
    writeFileSync(file, CONFIG);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("logs one child run per step in order, with deltas against the step before", async () => {
    const r = await wsp(["ablate", file, "--bottom-k", "2", "--resamples", "200", "--seed", "3"], {
      MLFLOW_TRACKING_URI: uri,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^step +features +calib\+size +variant +AUC +ΔAUC +90 % interval +DSR +ΔDSR +90 % interval$/m,
    );
    expect(r.stdout).toContain(
      "paired stationary bootstrap, mean block 5 bars (the label horizon), 200 resamples, seed 3",
    );
    const parentId = /^MLflow run: http:\/\/.*\/runs\/([0-9a-f]{32})$/m.exec(r.stdout)?.[1];
    expect(parentId).toBeDefined();

    const client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    const exp = await client.getExperimentByName(EXPERIMENT);
    if (!exp) throw new Error("no experiment");
    const parent = await client.getRun(parentId as string);
    expect(parent.info.status).toBe("FINISHED");
    const children = await client.searchAllRuns({
      experimentIds: [exp.experiment_id],
      filter: `tags.mlflow.parentRunId = '${parentId}'`,
    });
    const tag = (run: (typeof children)[number], key: string) => run.data.tags?.find((t) => t.key === key)?.value;
    const metric = (run: (typeof children)[number], key: string) =>
      Number(run.data.metrics?.find((m) => m.key === key)?.value ?? Number.NaN);
    children.sort((a, b) => Number(tag(a, "wsp.ablation.order")) - Number(tag(b, "wsp.ablation.order")));
    expect(children.map((c) => c.info.run_name)).toEqual([
      "patterns",
      "regime",
      "context",
      "calibration_sizing",
      "full",
      "drop_bottom_2",
    ]);
    // No regime feature in this config: the regime step repeats patterns exactly.
    expect(metric(children[1], "delta_auc")).toBe(0);
    expect(children[0].data.metrics?.some((m) => m.key.startsWith("delta_"))).toBe(false);
    for (let i = 1; i < children.length; i++) {
      const [prev, cur] = [children[i - 1], children[i]];
      expect(metric(cur, "delta_auc")).toBeCloseTo(metric(cur, "auc") - metric(prev, "auc"), 12);
      expect(metric(cur, "delta_deflated_sharpe")).toBeCloseTo(
        metric(cur, "deflated_sharpe") - metric(prev, "deflated_sharpe"),
        12,
      );
      expect(metric(cur, "delta_auc_lo")).toBeLessThanOrEqual(metric(cur, "delta_auc_hi"));
      expect(metric(cur, "delta_deflated_sharpe_lo")).toBeLessThanOrEqual(metric(cur, "delta_deflated_sharpe_hi"));
    }
    // The planted signal lives in the context series: adding it raises the AUC beyond the interval's doubt.
    expect(metric(children[2], "delta_auc_lo")).toBeGreaterThan(0);
    // The calendar columns are in the full set only.
    expect(metric(children[4], "features")).toBeGreaterThan(metric(children[3], "features"));

    // No step runs the backtest.grid study: its points would be trials of their own.
    const ledger = experimentLedger(await client.getExperiment(exp.experiment_id));
    const variants = [...ledger.values()].map((t) => t.variant).sort();
    expect(variants).toEqual([
      "ablation/calibration_sizing/gbm",
      "ablation/context/gbm",
      "ablation/drop_bottom_2/gbm",
      "ablation/patterns/gbm",
      "gbm",
    ]);
  });

  it("names a bad option", async () => {
    const base = { resamples: "1000", seed: "0" };
    expect(() => ablateOptions({ ...base, resamples: "0" })).toThrow('--resamples: expected an integer ≥ 1, got "0"');
    expect(() => ablateOptions({ ...base, seed: "1.5" })).toThrow("--seed: expected an integer ≥ 0");
    expect(() => ablateOptions({ ...base, bottomK: "x" })).toThrow("--bottom-k: expected an integer ≥ 1");
    expect(() => ablateOptions({ ...base, steps: "patterns,foo" })).toThrow(
      '--steps: unknown step "foo"; steps: patterns, regime, context, calibration_sizing, full, drop_bottom_k',
    );
    expect(() => ablateOptions({ ...base, steps: "full,drop_bottom_k" })).toThrow(
      "--steps: drop_bottom_k needs --bottom-k <k>",
    );
    expect(ablateOptions({ ...base, bottomK: "3" }).steps).toEqual([
      "patterns",
      "regime",
      "context",
      "calibration_sizing",
      "full",
      "drop_bottom_k",
    ]);
    const r = await wsp(["ablate", file, "--bottom-k", "40", "--no-track"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: ablation: bottom-k must be an integer in 1\.\.\d+ \(the run has \d+ features\), got 40$/m,
    );
  });
});
