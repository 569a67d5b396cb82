/**
 * The `python_function` flavor of a registered model (gbm + rf + logistic, weighted ensemble,
 * Platt per regime) against the suite's real MLflow server. The model is the planted-signal
 * fixture's, made champion by `promoteRun` because it passes every gate: the venv's Python loads
 * `models:/<name>@champion` with `mlflow.pyfunc.load_model` and predicts the same probabilities
 * as `loadRegisteredModel` in TypeScript on its final-holdout rows (1e-9 relative);
 * `mlflow models serve --env-manager local` answers /invocations with them too. Also: the logged
 * model's MLmodel (signature, input example) and a variant with an LSTM member declaring that it
 * has no python_function flavor.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fitCalibrator } from "../../src/calibration";
import { fromColumns } from "../../src/models";
import { loadRegisteredModel, promoteRun, runTracked, type TrackedRun } from "../../src/pipeline";
import { REGIME_COLUMN, variantModel } from "../../src/pipeline/modelExport";
import { MlflowClient, ModelRegistry } from "../../src/tracking";
import { findRepoRoot } from "../../src/services";
import { plantedSignalConfig } from "../pipeline/plantedSignal";
import { freePort } from "../setup/freePort";
import { testMlflowUri } from "../setup/testMlflow";

const experiment = `pyfunc-test-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const python = join(findRepoRoot(), ".venv", "bin", "python");

/**
 * The planted-signal fixture with an rf member added (gbm, rf and logistic: every member kind the
 * Python loader implements) and Platt calibration per trend regime, so the model takes the
 * regime column too. It passes every gate, so promotion itself makes it champion.
 */
const config = plantedSignalConfig(experiment, `${experiment}-model`, (doc) => {
  doc.addIn(["models"], doc.createNode({ kind: "rf", params: { n_trees: 30, max_depth: 4, min_samples_leaf: 20 } }));
  doc.setIn(["calibration"], doc.createNode({ method: "platt", per_regime: true, min_regime_rows: 150 }));
});

let uri: string;
let client: MlflowClient;
let dir: string;
let tracked: TrackedRun;
let name: string;
/** Final-holdout rows: features (column-major), regime ids, and TypeScript's calibrated probabilities. */
let holdout: { columns: string[]; rows: number[][]; ts: Float64Array };

beforeAll(async () => {
  uri = await testMlflowUri();
  client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
  dir = mkdtempSync(join(tmpdir(), "wsp-pyfunc-"));
  tracked = await runTracked(config, {
    trackingUri: uri,
    outboxDir: join(dir, "outbox"),
    progress: false,
    png: false,
  });
  const promoted = await promoteRun(client, tracked.runId);
  name = promoted.name;
  // Champion by its gates, not by hand: the alias a deployment loads.
  if (!promoted.champion) throw new Error(`the planted-signal run was not made champion:\n${promoted.description}`);
  const r = tracked.result;
  const loaded = await loadRegisteredModel(`${name}@champion`, { client });
  const features = [...loaded.featureNames];
  const rows = Array.from(r.plan.holdout);
  const cols = features.map((f) => {
    const col = r.panel.columns[r.panel.names.indexOf(f)];
    return Float64Array.from(rows, (i) => col[i]);
  });
  const regimes = Float64Array.from(rows, (i) => r.regimes.ids[i]);
  const ts = loaded.predictProba(fromColumns(features, cols), regimes);
  holdout = {
    columns: [...features, REGIME_COLUMN],
    rows: rows.map((_, j) => [...cols.map((c) => c[j]), regimes[j]]),
    ts,
  };
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** JSON with NaN as null (pandas reads null in a float column as NaN). */
function frameJson(columns: string[], rows: number[][]): string {
  return JSON.stringify({ columns, data: rows.map((r) => r.map((v) => (Number.isFinite(v) ? v : null))) });
}

describe("logged models", () => {
  it("every variant is a READY logged model of the run with a signature and its own input rows", async () => {
    const run = await client.getRun(tracked.runId);
    const models = await client.searchLoggedModels([run.info.experiment_id], `source_run_id = '${tracked.runId}'`);
    expect(models.map((m) => m.info.name).sort()).toEqual(["ensemble", "gbm", "logistic", "rf"]);
    expect(models.every((m) => m.info.status === "LOGGED_MODEL_READY")).toBe(true);
    // The run lists them as outputs (its page's "Logged models").
    const outputs = (await client.getRunOutputs(tracked.runId)).map((o) => o.model_id).sort();
    expect(outputs).toEqual(models.map((m) => m.info.model_id).sort());
    const ens = models.find((m) => m.info.name === "ensemble");
    const id = ens?.info.model_id ?? "";
    const text = (path: string) =>
      client.downloadArtifactUri(`models:/${id}/${path}`).then((b) => new TextDecoder().decode(b));
    const mlmodel = parse(await text("MLmodel"));
    expect(mlmodel.model_id).toBe(id);
    expect(mlmodel.run_id).toBe(tracked.runId);
    expect(mlmodel.flavors.python_function).toEqual({ loader_module: "wsp_pyfunc", code: "code" });
    expect(mlmodel.flavors.wsp.members.map((m: { kind: string }) => m.kind)).toEqual(["gbm", "logistic", "rf"]);
    const inputs = JSON.parse(mlmodel.signature.inputs) as { name: string; type: string }[];
    expect(inputs.map((c) => c.name)).toEqual(holdout.columns);
    expect(new Set(inputs.map((c) => c.type))).toEqual(new Set(["double"]));
    expect(JSON.parse(mlmodel.signature.outputs)).toEqual([{ type: "double", name: "p_UP", required: true }]);
    // The input example: the last rows of the final holdout, as they are.
    const example = JSON.parse(await text("input_example.json")) as { columns: string[]; data: number[][] };
    expect(example.columns).toEqual(holdout.columns);
    expect(example.data.length).toBe(5);
    expect(example.data).toEqual(holdout.rows.slice(-5));
    // The model's metrics are the run's values for it.
    const full = await client.getLoggedModel(id);
    const metrics = Object.fromEntries((full.data?.metrics ?? []).map((m) => [m.key, Number(m.value)]));
    expect(metrics["ensemble.holdout_auc"]).toBe(tracked.result.ensemble?.holdout.auc);
    // The registered version is made from the logged model, as MLflow 3 registers one.
    const version = await new ModelRegistry(client).getAlias(name, "champion");
    expect(version?.source).toBe(`models:/${id}`);
    expect(version?.run_id).toBe(tracked.runId);
    // ...and the logged model lists the version (its page's "Registered versions").
    const after = await client.getLoggedModel(id);
    const versions = after.info.tags?.find((t) => t.key === "mlflow.modelVersions")?.value ?? "[]";
    expect(JSON.parse(versions)).toEqual([{ name, version: Number(version?.version) }]);
  });

  it("a variant with an LSTM member declares that it has no python_function flavor", () => {
    const r = tracked.result;
    const withLstm = { ...r, models: r.models.map((m) => (m.name === "rf" ? { ...m, kind: "lstm" } : m)) };
    const model = variantModel(withLstm, "ensemble", {}, 0);
    const mlmodel = parse(String(model.files.find((f) => f.path === "MLmodel")?.content));
    expect(mlmodel.flavors.python_function).toBeUndefined();
    expect(mlmodel.flavors.wsp.python_function).toMatch(/^none: lstm has no Python implementation/);
    expect(model.tags?.["wsp.python_function"]).toMatch(/^none: lstm/);
    expect(model.files.some((f) => f.path.startsWith("code/"))).toBe(false);
    // Without it, every member has an implementation.
    expect(variantModel(r, "ensemble", {}, 0).tags?.["wsp.python_function"]).toBe("true");
  });
});

describe("python_function flavor", () => {
  it("mlflow.pyfunc.load_model(models:/<name>@champion) predicts what loadRegisteredModel predicts", () => {
    const input = join(dir, "holdout.json");
    writeFileSync(input, frameJson(holdout.columns, holdout.rows));
    const script = `
import json, sys, mlflow, pandas as pd
frame = json.load(open(sys.argv[1]))
df = pd.DataFrame(frame["data"], columns=frame["columns"], dtype=float)
model = mlflow.pyfunc.load_model(sys.argv[2])
out = model.predict(df)
print(json.dumps({"columns": list(out.columns), "p": out.iloc[:, 0].tolist()}))
`;
    const res = spawnSync(python, ["-c", script, input, `models:/${name}@champion`], {
      encoding: "utf8",
      env: { ...process.env, MLFLOW_TRACKING_URI: uri },
      timeout: 120_000,
    });
    expect(res.status, res.stderr.slice(-2000)).toBe(0);
    const got = JSON.parse(res.stdout.trim().split("\n").pop() ?? "{}") as { columns: string[]; p: number[] };
    expect(got.columns).toEqual(["p_UP"]);
    expect(got.p.length).toBe(holdout.ts.length);
    expect(holdout.ts.length).toBeGreaterThan(100);
    const worst = Math.max(...got.p.map((v, i) => relErr(v, holdout.ts[i])));
    expect(worst).toBeLessThanOrEqual(1e-9);
  }, 120_000);

  it("its calibrators (Platt, isotonic, temperature; binary, 3 classes, per regime) apply as TypeScript's", () => {
    const r = tracked.result;
    const gbm = r.models[0];
    const rows = [...Array(r.y.length).keys()].filter(
      (i) => Number.isFinite(gbm.oofProbs[i]) && Number.isFinite(r.y[i]),
    );
    expect(rows.length).toBeGreaterThan(1000);
    const p = Float64Array.from(rows, (i) => gbm.oofProbs[i]);
    const y = Float64Array.from(rows, (i) => r.y[i]);
    const regimes = Float64Array.from(rows, (i) => r.regimes.ids[i]);
    // Three classes built from the same rows and probabilities (no multi-class run here).
    const p3 = new Float64Array(rows.length * 3);
    p.forEach((v, j) => {
      p3.set([(1 - v) * 0.7, 0.3, v * 0.7], j * 3);
    });
    const y3 = Float64Array.from(p, (v, j) => (y[j] === 1 ? 2 : v < 0.45 ? 0 : 1));
    const cases = (["platt", "isotonic", "temperature"] as const).flatMap((method) => [
      { method, probs: p, y, regimes: undefined },
      { method, probs: p, y, regimes },
      { method, probs: p3, y: y3, regimes: undefined },
    ]);
    const payload = cases.map((c) => {
      const cal = fitCalibrator(c.method, c.probs, c.y, c.regimes ? { regimes: c.regimes, minRegimeRows: 150 } : {});
      return {
        calibrator: cal.toJSON(),
        probs: Array.from(c.probs),
        width: c.probs.length / y.length,
        regimes: c.regimes ? Array.from(c.regimes) : null,
        want: Array.from(cal.apply(c.probs, c.regimes)),
      };
    });
    expect(payload.filter((c) => c.calibrator.perRegime.length > 0).length).toBe(3);
    const input = join(dir, "calibrators.json");
    writeFileSync(input, JSON.stringify(payload));
    const script = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[2])
import wsp_pyfunc
worst = 0.0
for c in json.load(open(sys.argv[1])):
    probs = np.array(c["probs"])
    if c["width"] > 1:
        probs = probs.reshape(-1, c["width"])
    regimes = np.array(c["regimes"]) if c["regimes"] is not None else None
    got = np.ravel(wsp_pyfunc._calibrate(c["calibrator"], probs, regimes))
    want = np.array(c["want"])
    worst = max(worst, float(np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-300))))
print(worst)
`;
    const res = spawnSync(python, ["-c", script, input, join(findRepoRoot(), "src", "tracking", "pyfunc")], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(res.status, res.stderr.slice(-2000)).toBe(0);
    expect(Number(res.stdout.trim())).toBeLessThanOrEqual(1e-9);
  }, 60_000);

  it("mlflow models serve --env-manager local answers /invocations with the same probabilities", async () => {
    const port = await freePort();
    const child: ChildProcess = spawn(
      python,
      [
        "-m",
        "mlflow",
        "models",
        "serve",
        "-m",
        `models:/${name}@champion`,
        "--env-manager",
        "local",
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
      ],
      {
        // As from an activated venv: the scoring server is started as `uvicorn` from PATH.
        env: { ...process.env, MLFLOW_TRACKING_URI: uri, PATH: `${dirname(python)}:${process.env.PATH ?? ""}` },
        detached: true,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr?.on("data", (b) => {
      stderr = (stderr + String(b)).slice(-4000);
    });
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const up = await fetch(`http://127.0.0.1:${port}/ping`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) break;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server not up in 60 s: ${stderr}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      const n = 20;
      const res = await fetch(`http://127.0.0.1:${port}/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `{"dataframe_split": ${frameJson(holdout.columns, holdout.rows.slice(0, n))}}`,
      });
      expect(res.status, stderr).toBe(200);
      const body = (await res.json()) as { predictions: { p_UP: number }[] };
      expect(body.predictions.length).toBe(n);
      body.predictions.forEach((p, i) => {
        expect(relErr(p.p_UP, holdout.ts[i])).toBeLessThanOrEqual(1e-9);
      });
    } finally {
      // The server runs in its own process group (uvicorn workers included): end all of it.
      if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    }
  }, 90_000);
});
