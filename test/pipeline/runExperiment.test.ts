/**
 * The pipeline end to end on real bundled SPY data (a short span, few trees) against the suite's
 * real MLflow server: parent and child runs, params, metrics and artifacts through REST; the
 * shuffled-label control.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromColumns } from "../../src/models";
import {
  loadRegisteredModel,
  parseCalibrationArtifact,
  parseConfig,
  promoteRun,
  runTracked,
  type TrackedRun,
} from "../../src/pipeline";
import { findRunLoggedModel, MlflowClient, trialCount } from "../../src/tracking";
import { plotlyJs } from "../../src/viz";
import { testMlflowUri } from "../setup/testMlflow";

const experiment = `pipeline-test-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

function fastConfig(extra = "", name = "spy-fast"): string {
  return `name: ${name}
tracking: { experiment: ${experiment}, model_name: ${experiment}-model, tags: { suite: pipeline } }
data: { tickers: [SPY], timeframe: 1d, start: 2008-01-01, end: 2024-12-31, context: [VIX] }
features: { set: default }
labels: { kind: triple_barrier, horizon: 5, barriers: { upper: 1.5, lower: 1.5, scale: vol_20 }, output: binary }
validation: { kind: walk_forward, train: P4Y, test: P2Y, mode: expanding, embargo: 5, final_holdout: P1Y }
models:
  - { kind: gbm, params: { n_trees: 20, max_depth: 3, learning_rate: 0.1, min_child_weight: 20 } }
  - { kind: rf, params: { n_trees: 16, max_depth: 6, min_samples_leaf: 20 } }
ensemble: { kind: weighted }
calibration: { method: platt, per_regime: true, min_regime_rows: 150 }
signals: { long_above: 0.55, short_above: 0.55, hold_bars: 5 }
costs: { commission_bps: 1, slippage_bps: 2 }
backtest: { benchmark: SPY, stress: [covid_2020] }
${extra}`;
}

let uri: string;
let client: MlflowClient;
let outboxDir: string;
let tracked: TrackedRun;

beforeAll(async () => {
  uri = await testMlflowUri();
  client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
  outboxDir = mkdtempSync(join(tmpdir(), "wsp-pipeline-outbox-"));
  tracked = await runTracked(parseConfig(fastConfig("controls: { shuffled_labels: true }\n"), "fast.yaml"), {
    trackingUri: uri,
    outboxDir,
    progress: false,
    png: false,
    jobId: "job-42",
  });
}, 120_000);

afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

describe("runTracked", () => {
  it("reports out-of-sample and holdout scores per model, backtest and gates", () => {
    const r = tracked.result;
    expect(r.models.map((m) => m.name)).toEqual(["gbm", "rf"]);
    for (const m of [...r.models, r.ensemble]) {
      expect(m?.oos.rows).toBeGreaterThan(1000);
      expect(m?.holdout.rows).toBeGreaterThan(200);
      // Daily direction is close to a coin flip out of sample: anything far off is a bug.
      expect(m?.oos.auc).toBeGreaterThan(0.4);
      expect(m?.oos.auc).toBeLessThan(0.62);
    }
    // The holdout starts after every row a fit, a calibrator or the ensemble weights saw.
    const lastTrained = Math.max(...r.plan.rows);
    expect(Math.min(...r.plan.holdout)).toBeGreaterThan(lastTrained);
    expect(r.plan.holdoutFrom).toBeGreaterThan(r.panel.endTime[lastTrained]);
    expect(r.selected).toBe("ensemble");
    expect(r.ensemble?.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(r.backtest.trials).toBeGreaterThanOrEqual(3);
    expect(Number.isFinite(r.backtest.run.report.deflatedSharpe)).toBe(true);
    expect(r.gates.checks.map((c) => c.name)).toEqual(["leakage", "signal", "deflated_sharpe", "control"]);
    expect(tracked.summary).toContain("promotion gates:");
    expect(r.backtest.run.report.byRegime.map((s) => s.name)).toEqual(["trend", "range", "volatile"]);
    expect(tracked.runUrl).toMatch(new RegExp(`^${uri}/#/experiments/\\d+/runs/[0-9a-f]{32}$`));
  });

  it("records the parent run with tags, flattened params and headline metrics", async () => {
    const run = await client.getRun(tracked.runId);
    const tags = Object.fromEntries((run.data.tags ?? []).map((t) => [t.key, t.value]));
    expect(run.info.status).toBe("FINISHED");
    // The config's name and a short hash: distinct per run at the UI's width (the date is a column).
    expect(run.info.run_name).toMatch(/^spy-fast-[0-9a-f]{7}$/);
    expect(tags).toMatchObject({
      suite: "pipeline",
      "wsp.job_id": "job-42",
      "wsp.promote_model": "ensemble",
      "wsp.model_name": `${experiment}-model`,
      "wsp.control": "shuffled_labels",
      "wsp.holdout.start": new Date(tracked.result.panel.ts[tracked.result.plan.holdout[0]]).toISOString(),
      config_hash: tracked.result.configHash,
      data_hash: tracked.result.dataHash,
    });
    expect(tags.git_commit).toMatch(/^[0-9a-f]{40}$/);
    // MLflow's standard tags, as its own client writes them.
    expect(tags["mlflow.source.git.commit"]).toBe(tags.git_commit);
    expect(tags["mlflow.source.name"]).toBe("wsp run fast.yaml");
    expect(tags["mlflow.source.type"]).toBe("JOB");
    expect(tags["mlflow.user"].length).toBeGreaterThan(0);
    expect(tags["mlflow.note.content"]).toContain("promotion gates:");
    expect(tags["mlflow.note.content"].startsWith("### spy-fast\n")).toBe(true);
    // A model-training experiment: the UI does not open it in its GenAI mode.
    const exp = await client.getExperiment(run.info.experiment_id);
    expect(exp.tags?.find((t) => t.key === "mlflow.experimentKind")?.value).toBe("custom_model_development");
    expect(["true", "false"]).toContain(tags.git_dirty);
    expect(tags.host.length).toBeGreaterThan(0);
    const params = Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value]));
    expect(params["models.0.params.max_depth"]).toBe("3");
    expect(params["data.tickers.0"]).toBe("SPY");
    const metrics = Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value]));
    for (const k of [
      "oos_auc",
      "oos_logloss",
      "ece",
      "sharpe",
      "deflated_sharpe",
      "max_drawdown",
      "win_rate",
      "gbm.oos_auc",
      "gbm.holdout_logloss",
      "rf.oos_ece",
      "ensemble.holdout_auc",
      "control.oos_auc",
      "trials",
    ]) {
      expect(metrics[k], k).toBeTypeOf("number");
    }
    expect(metrics["gbm.oos_auc"]).toBeCloseTo(tracked.result.models[0].oos.auc, 12);
    // What promotion recomputes the deflated Sharpe from, on both bases.
    const inputs = tracked.result.backtest.run.report.active?.inputs;
    expect(metrics["sharpe_inputs.active.sr"]).toBeCloseTo(inputs?.sr ?? Number.NaN, 12);
    expect(metrics["sharpe_inputs.absolute.n_obs"]).toBe(tracked.result.backtest.run.report.inputs.nObs);
  });

  it("a rerun of the identical config (another name) adds no trial and gets the same deflated Sharpe", async () => {
    // gbm, rf, ensemble: three distinct trials; the control is not one.
    expect(await trialCount(client, experiment)).toBe(3);
    expect(tracked.result.backtest.trials).toBe(3);
    const again = await runTracked(
      parseConfig(fastConfig("controls: { shuffled_labels: true }\n", "spy-fast-again"), "again.yaml"),
      { trackingUri: uri, outboxDir, progress: false, png: false },
    );
    expect(again.result.backtest.trials).toBe(3);
    expect(await trialCount(client, experiment)).toBe(3);
    expect(again.result.backtest.deflatedSharpe).toBe(tracked.result.backtest.deflatedSharpe);
  }, 120_000);

  it("records child runs per model (per-fold metrics by step), backtest and control", async () => {
    const children = await client.searchAllRuns({
      experimentIds: [(await client.getRun(tracked.runId)).info.experiment_id],
      filter: `tags.\`mlflow.parentRunId\` = '${tracked.runId}'`,
    });
    expect(children.map((c) => c.info.run_name).sort()).toEqual(["backtest", "control", "gbm", "rf"]);
    const gbm = children.find((c) => c.info.run_name === "gbm");
    const history = await client.getMetricHistory(gbm?.info.run_id ?? "", "fold_auc");
    expect(history.map((m) => m.step)).toEqual(tracked.result.plan.splits.map((_, i) => i));
    const bt = children.find((c) => c.info.run_name === "backtest");
    const years = await client.getMetricHistory(bt?.info.run_id ?? "", "year_sharpe");
    expect(years.length).toBeGreaterThan(5);
    expect(years.every((m) => m.step >= 2010 && m.step <= 2024)).toBe(true);
  });

  it("uploads every artifact; report.html holds plotly exactly once", async () => {
    const paths: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const f of await client.listArtifacts(tracked.runId, dir)) {
        if (f.is_dir) await walk(f.path);
        else paths.push(f.path);
      }
    };
    await walk("");
    expect(paths).toEqual(
      expect.arrayContaining([
        "config.yaml",
        "report.html",
        "predictions/oof.csv",
        "predictions/holdout.csv",
        "features/importance.json",
        "shap/summary.json",
        "backtest/trades.csv",
        "validation/report.txt",
        "validation/report.json",
        "leakage.json",
        "gates.json",
        "summary.txt",
      ]),
    );
    const html = new TextDecoder().decode(await client.downloadArtifact(tracked.runId, "report.html"));
    const marker = plotlyJs().slice(0, 300);
    expect(html.split(marker).length - 1).toBe(1);
    expect(html.match(/Plotly\.newPlot\(/g)?.length).toBeGreaterThanOrEqual(6);
    // Models are logged models (MLflow 3), not files of the run.
    expect(paths.some((p) => p.startsWith("model/"))).toBe(false);
    const oof = new TextDecoder().decode(await client.downloadArtifact(tracked.runId, "predictions/oof.csv"));
    expect(oof.split("\n")[0]).toBe("time,label,gbm_p_UP,rf_p_UP,ensemble_p_UP");
  });

  it("the shuffled-label control scores AUC about 0.5", () => {
    const c = tracked.result.control;
    expect(c?.model).toBeDefined();
    expect(Math.abs((c?.oos.auc ?? 0) - 0.5)).toBeLessThan(0.05);
  });

  it("a promoted run's model loads back by name and predicts as the run's refitted models did", async () => {
    const r = tracked.result;
    const run0 = await client.getRun(tracked.runId);
    // Real SPY data has no signal, so the runner's checks refuse the run: forced, it is registered
    // (never champion), which is all this test needs.
    const promoted = await promoteRun(client, tracked.runId, { force: true });
    // The deflated Sharpe recomputed at promotion from the logged inputs and the unchanged ledger
    // is the one the run logged.
    const dsr = promoted.gates.find((g) => g.gate === "min_deflated_sharpe")?.value ?? Number.NaN;
    expect(Math.abs(dsr - r.backtest.deflatedSharpe)).toBeLessThanOrEqual(1e-9);
    const loaded = await loadRegisteredModel(`${promoted.name}/${promoted.version}`, { client });
    expect(loaded.members.map((m) => m.name)).toEqual(r.ensemble?.members);
    expect(loaded.members.map((m) => m.weight)).toEqual(Array.from(r.ensemble?.weights ?? []));
    // The last rows of the panel: past every feature's warm-up.
    const names = loaded.featureNames;
    const n = r.panel.ts.length;
    const cols = names.map((name) => r.panel.columns[r.panel.names.indexOf(name)].subarray(n - 200));
    const X = fromColumns(names, cols);
    const expected = new Float64Array(200);
    r.ensemble?.members.forEach((member, i) => {
      const p = r.models.find((m) => m.name === member)?.model.predictProba(X) as Float64Array;
      for (let k = 0; k < 200; k++) expected[k] += (r.ensemble?.weights[i] ?? 0) * p[k];
    });
    const got = loaded.predictRawProba(X);
    for (let k = 0; k < 200; k++)
      expect(Math.abs(got[k] - expected[k])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected[k])));
    // Calibrated by default, as the run calibrated the promoted variant's final holdout: the saved
    // calibration (fitted on all OOF rows, per trend regime here) reproduces its holdoutProbs.
    expect(r.selected).toBe("ensemble");
    expect(loaded.calibration?.method).toBe("platt");
    expect(loaded.calibration?.regime?.scheme).toBe(r.regimes.scheme);
    expect(loaded.calibration?.artifact.fittedOn).toMatchObject({
      rows: "all_oof_before_final_holdout",
      folds: r.plan.splits.length,
    });
    const rows = Array.from(r.plan.holdout);
    expect(rows.length).toBeGreaterThan(50);
    const Xh = fromColumns(
      names,
      names.map((name) => {
        const col = r.panel.columns[r.panel.names.indexOf(name)];
        return Float64Array.from(rows, (i) => col[i]);
      }),
    );
    const regimes = Float64Array.from(rows, (i) => r.regimes.ids[i]);
    expect(new Set(regimes).size).toBeGreaterThan(1);
    const calibrated = loaded.predictProba(Xh, regimes);
    const want = r.ensemble?.holdoutProbs as Float64Array;
    rows.forEach((row, j) => {
      expect(Number.isFinite(want[row])).toBe(true);
      expect(Math.abs(calibrated[j] - want[row])).toBeLessThanOrEqual(1e-9 * Math.abs(want[row]));
    });
    // Calibration changed the probabilities, and the raw blend stays reachable.
    const raw = loaded.predictRawProba(Xh);
    expect(Math.max(...rows.map((_, j) => Math.abs(raw[j] - calibrated[j])))).toBeGreaterThan(1e-3);
    expect(() => loaded.predictProba(Xh)).toThrow(/per regime.*regime_trend|regime_trend.*regime id/);
    expect(() => loaded.predictProba(Xh, regimes.subarray(1))).toThrow(/one per row/);
    // A single model's calibration.json (what a run without an ensemble promotes) reproduces its holdoutProbs too.
    for (const m of r.models) {
      const logged = await findRunLoggedModel(client, run0.info.experiment_id, tracked.runId, m.name);
      const saved = JSON.parse(
        new TextDecoder().decode(await client.downloadArtifactUri(`models:/${logged?.info.model_id}/calibration.json`)),
      );
      const cal = parseCalibrationArtifact(saved, [m.name], m.name).calibrators.get(m.name);
      expect(saved.members[0].oofRows).toBe(m.calibrationRows);
      const p = cal?.apply(m.model.predictProba(Xh), regimes) as Float64Array;
      rows.forEach((row, j) => {
        expect(Math.abs(p[j] - m.holdoutProbs[row])).toBeLessThanOrEqual(1e-9 * Math.abs(m.holdoutProbs[row]));
      });
    }
    await expect(loadRegisteredModel(`${promoted.name}@nosuchalias`, { client })).rejects.toThrow(/nosuchalias/);
  });

  it("a promoted single model (no ensemble, pooled isotonic) loads back calibrated as its holdout was", async () => {
    const yaml = fastConfig("", "spy-single")
      .replace(/\n {2}- \{ kind: rf[^\n]*/, "")
      .replace("ensemble: { kind: weighted }\n", "")
      .replace("method: platt, per_regime: true, min_regime_rows: 150", "method: isotonic");
    const single = await runTracked(parseConfig(yaml, "single.yaml"), {
      trackingUri: uri,
      outboxDir,
      progress: false,
      png: false,
    });
    const r = single.result;
    expect(r.ensemble).toBeNull();
    expect(r.selected).toBe("gbm");
    const promoted = await promoteRun(client, single.runId, { force: true });
    const loaded = await loadRegisteredModel(`${promoted.name}/${promoted.version}`, { client });
    expect(loaded.calibration).toMatchObject({ method: "isotonic", regime: null });
    const rows = Array.from(r.plan.holdout);
    const names = loaded.featureNames;
    const Xh = fromColumns(
      names,
      names.map((name) => {
        const col = r.panel.columns[r.panel.names.indexOf(name)];
        return Float64Array.from(rows, (i) => col[i]);
      }),
    );
    // Not per regime: no regime ids needed.
    const got = loaded.predictProba(Xh);
    const want = r.models[0].holdoutProbs;
    rows.forEach((row, j) => {
      expect(Math.abs(got[j] - want[row])).toBeLessThanOrEqual(1e-9 * Math.abs(want[row]));
    });
    const raw = loaded.predictRawProba(Xh);
    expect(raw.some((v, j) => Math.abs(v - got[j]) > 1e-3)).toBe(true);
  }, 120_000);
});
