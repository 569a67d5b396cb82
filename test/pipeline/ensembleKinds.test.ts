/**
 * The `ensemble:` block's kinds end to end on the planted-signal fixture: bad values name their
 * YAML path; `wsp run` (the real CLI) runs ridge, stacking and fixed weights; and a run of each
 * fitted or fixed kind, tracked in the suite's MLflow, promoted and loaded back by
 * `loadRegisteredModel`, predicts the run's own final-holdout probabilities to 1e-9 (stacking on
 * three classes also through the Python `python_function` loader). Each kind is its own
 * "ensemble" trial in the experiment's ledger.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromColumns } from "../../src/models";
import {
  ConfigError,
  type LoadedConfig,
  loadRegisteredModel,
  parseConfig,
  promoteRun,
  type RegisteredModel,
  runTracked,
  type TrackedRun,
} from "../../src/pipeline";
import { findRepoRoot } from "../../src/services";
import { MlflowClient, readLedger } from "../../src/tracking";
import { testMlflowUri } from "../setup/testMlflow";
import { wsp } from "../setup/wsp";
import { PLANTED_SIGNAL_CONFIG, plantedSignalConfig } from "./plantedSignal";

const experiment = `ensemble-kinds-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const python = join(findRepoRoot(), ".venv", "bin", "python");

const BASE = `name: t
tracking: { experiment: t }
data: { tickers: [SPY], start: 2015-01-01, end: 2020-12-31 }
labels: { kind: fixed_horizon, horizon: 5 }
validation: { kind: walk_forward, train: P2Y, test: P6M, final_holdout: P1Y }
models: [{ kind: gbm }, { kind: logistic }]
`;

function issuesOf(text: string): string[] {
  try {
    parseConfig(text, "x.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error("expected a ConfigError");
}

describe("ensemble: config", () => {
  it("takes each kind with its own keys, and names the YAML path of a bad value", () => {
    const ok = (e: string) => parseConfig(`${BASE}ensemble: ${e}\n`, "x.yaml").config.ensemble;
    expect(ok("{}")).toEqual({ kind: "weighted", fit_on: "oof" });
    expect(ok("{ kind: ridge }")).toEqual({ kind: "ridge", fit_on: "oof", alpha: 1 });
    expect(ok("{ kind: stacking, meta: { C: 0.5 } }")).toMatchObject({ kind: "stacking", meta: { C: 0.5 } });
    expect(ok("{ kind: fixed, weights: { gbm: 2, logistic: 0 } }")).toEqual({
      kind: "fixed",
      weights: { gbm: 2, logistic: 0 },
    });
    const bad = (e: string) => issuesOf(`${BASE}ensemble: ${e}\n`);
    expect(bad("{ kind: fixed, weights: { gbm: 1, xgb: 2 } }")).toEqual([
      'x.yaml:7:50 ensemble.weights.xgb: "xgb" is not a model of this config (models: gbm, logistic)',
      "x.yaml:7:35 ensemble.weights: no weight for logistic: give every model a weight (0 leaves it out)",
    ]);
    expect(bad("{ kind: fixed, weights: { gbm: -1, logistic: 2 } }")).toEqual([
      "x.yaml:7:42 ensemble.weights.gbm: expected a number >= 0, got -1",
    ]);
    expect(bad("{ kind: fixed, weights: { gbm: 0, logistic: 0 } }")).toEqual([
      "x.yaml:7:35 ensemble.weights: the weights sum to 0: give some model a positive weight",
    ]);
    expect(bad("{ kind: lasso }")).toEqual([
      'x.yaml:7:19 ensemble.kind: expected one of weighted, mean, ridge, stacking, fixed, got "lasso"',
    ]);
    expect(bad("{ kind: ridge, alpha: -1 }")).toEqual(["x.yaml:7:33 ensemble.alpha: expected a number >= 0, got -1"]);
    expect(bad("{ kind: weighted, alpha: 2 }")).toEqual(['x.yaml:7:36 ensemble: unknown key "alpha"']);
    expect(bad("{ kind: stacking, meta: { C: 0 } }")).toEqual([
      "x.yaml:7:40 ensemble.meta.C: expected a number > 0, got 0",
    ]);
  });
});

describe("wsp run with each ensemble kind", { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "wsp-ensemble-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The planted-signal fixture with `ensemble:` replaced, run untracked. */
  async function runWith(block: string) {
    const text = readFileSync(PLANTED_SIGNAL_CONFIG, "utf8").replace(/^ensemble: .*$/m, `ensemble: ${block}`);
    const file = join(dir, `${block.replace(/\W+/g, "_")}.yaml`);
    writeFileSync(file, text);
    const r = await wsp(["run", file, "--no-track"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // The ensemble is scored out of fold and on the holdout, and backtested as the run's variant.
    expect(r.stdout.match(/^ensemble +0\.\d{4} +0\.\d{4} +0\.\d{4} +0\.\d{4} +\d+$/gm)).toHaveLength(2);
    expect(r.stdout).toContain("backtest (ensemble, costs included");
    return r.stdout;
  }

  it("ridge", async () => {
    const out = await runWith("{ kind: ridge, alpha: 1 }");
    expect(out).toMatch(/ensemble ridge, weights \(fitted on OOF\): gbm 0\.\d{3}, logistic 0\.\d{3}/);
  });

  it("stacking", async () => {
    const out = await runWith("{ kind: stacking }");
    expect(out).toMatch(/ensemble stacking, member shares of the stacking model \(fitted on OOF\): gbm 0\.\d{3}/);
  });

  it("fixed weights, normalised", async () => {
    const out = await runWith("{ kind: fixed, weights: { gbm: 1, logistic: 3 } }");
    expect(out).toContain("ensemble fixed, fixed weights: gbm 0.250, logistic 0.750");
  });
});

describe("a registered ensemble of each kind predicts the run's final holdout", { timeout: 240_000 }, () => {
  let uri: string;
  let client: MlflowClient;
  let dir: string;
  beforeAll(async () => {
    uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    dir = mkdtempSync(join(tmpdir(), "wsp-ensemble-export-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The fixture with `ensemble` (and `labels`) set, tracked, promoted (forced) and loaded back. */
  async function registered(
    ensemble: Record<string, unknown>,
    labels?: Record<string, unknown>,
  ): Promise<{
    tracked: TrackedRun;
    loaded: RegisteredModel;
    holdout: Float64Array;
    X: ReturnType<typeof fromColumns>;
  }> {
    const config: LoadedConfig = plantedSignalConfig(experiment, `${experiment}-model`, (doc) => {
      doc.setIn(["ensemble"], doc.createNode(ensemble));
      if (labels) doc.setIn(["labels"], doc.createNode(labels));
    });
    const tracked = await runTracked(config, {
      trackingUri: uri,
      outboxDir: join(dir, "outbox"),
      progress: false,
      png: false,
    });
    const promoted = await promoteRun(client, tracked.runId, { force: true });
    const loaded = await loadRegisteredModel(`${promoted.name}/${promoted.version}`, { client });
    const r = tracked.result;
    const rows = Array.from(r.plan.holdout);
    expect(rows.length).toBeGreaterThan(400);
    const X = fromColumns(
      [...loaded.featureNames],
      loaded.featureNames.map((f) => {
        const col = r.panel.columns[r.panel.names.indexOf(f)];
        return Float64Array.from(rows, (i) => col[i]);
      }),
    );
    const got = loaded.predictProba(X);
    const e = r.ensemble;
    if (!e) throw new Error("the run has no ensemble");
    const w = r.width;
    let worst = 0;
    rows.forEach((row, j) => {
      for (let c = 0; c < w; c++) worst = Math.max(worst, Math.abs(got[j * w + c] - e.holdoutProbs[row * w + c]));
    });
    expect(worst).toBeLessThanOrEqual(1e-9);
    return { tracked, loaded, holdout: got, X };
  }

  it("ridge: the weights are the α = 1 ridge of the run's OOF probabilities, normalised", async () => {
    const { tracked } = await registered({ kind: "ridge" });
    const r = tracked.result;
    const e = r.ensemble;
    if (e?.combiner.kind !== "linear") throw new Error("expected a linear ridge blend");
    // Closed form (PᵀP + I)⁻¹Pᵀy over the OOF rows, computed here (both coefficients are positive).
    const [g, l] = r.models.map((m) => m.oofProbs);
    let a = 1;
    let b = 0;
    let d = 1;
    let u = 0;
    let v = 0;
    for (const i of r.plan.rows) {
      if (!Number.isFinite(g[i]) || !Number.isFinite(l[i]) || !Number.isFinite(r.y[i])) continue;
      a += g[i] * g[i];
      b += g[i] * l[i];
      d += l[i] * l[i];
      u += g[i] * r.y[i];
      v += l[i] * r.y[i];
    }
    const det = a * d - b * b;
    const coef = [(d * u - b * v) / det, (a * v - b * u) / det];
    expect(coef.every((c) => c > 0)).toBe(true);
    const s = coef[0] + coef[1];
    expect(Math.abs(e.combiner.weights[0] - coef[0] / s)).toBeLessThan(1e-9);
    expect(Math.abs(e.combiner.weights[1] - coef[1] / s)).toBeLessThan(1e-9);
    expect(e.crossFitted).toEqual({ fitted: r.plan.splits.length - 1, folds: r.plan.splits.length });
  });

  it("fixed weights", async () => {
    const { tracked, loaded } = await registered({ kind: "fixed", weights: { gbm: 1, logistic: 4 } });
    expect(loaded.members.map((m) => m.weight)).toEqual([0.2, 0.8]);
    expect(tracked.result.ensemble?.crossFitted).toBeNull();
  });

  let stacked: Awaited<ReturnType<typeof registered>>;

  it("stacking on three classes (a multinomial meta-model)", async () => {
    stacked = await registered(
      { kind: "stacking" },
      { kind: "fixed_horizon", horizon: 5, classes: 3, threshold: 0.005 },
    );
    const { tracked, loaded } = stacked;
    const e = tracked.result.ensemble;
    expect(e?.combiner.kind).toBe("stacking");
    expect(tracked.result.width).toBe(3);
    expect(loaded.members.map((m) => m.name)).toEqual(["gbm", "logistic"]);
  });

  it("the stacked ensemble through python_function predicts the same", () => {
    const { tracked, loaded, holdout, X } = stacked;
    const input = join(dir, "holdout.json");
    const rows = Array.from({ length: X.nRows }, (_, i) => X.names.map((_, j) => X.data[j * X.nRows + i]));
    writeFileSync(input, JSON.stringify({ columns: X.names, data: rows }));
    const script = `
import json, sys, mlflow, pandas as pd
frame = json.load(open(sys.argv[1]))
df = pd.DataFrame(frame["data"], columns=frame["columns"], dtype=float)
out = mlflow.pyfunc.load_model(sys.argv[2]).predict(df)
print(json.dumps({"columns": list(out.columns), "p": out.to_numpy().ravel().tolist()}))
`;
    const res = spawnSync(python, ["-c", script, input, `models:/${loaded.name}/${loaded.version}`], {
      encoding: "utf8",
      env: { ...process.env, MLFLOW_TRACKING_URI: uri },
      timeout: 120_000,
    });
    expect(res.status, res.stderr.slice(-2000)).toBe(0);
    const got = JSON.parse(res.stdout.trim().split("\n").pop() ?? "{}") as { columns: string[]; p: number[] };
    expect(got.columns).toEqual(tracked.result.classes.map((c) => `p_${c}`));
    expect(got.p.length).toBe(holdout.length);
    expect(Math.max(...got.p.map((p, i) => Math.abs(p - holdout[i])))).toBeLessThanOrEqual(1e-9);
  });

  it("each kind is its own trial named ensemble", async () => {
    const ledger = await readLedger(client, experiment);
    expect([...ledger.values()].filter((t) => t.variant === "ensemble")).toHaveLength(3);
  });
});
