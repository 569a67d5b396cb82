/**
 * A small sweep of the planted-signal fixture run end to end against the suite's MLflow server:
 * one full tracked run per variant (not MLflow children: promotable), every variant's trials in
 * the ledger, the winner ranked on the out-of-fold metric and its deflated Sharpe deflated by the
 * ledger's count after the sweep, PBO across the variants from their out-of-sample returns, and
 * the sweep's own run with its table, report and plot; a second select writes nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deflatedSharpe, probabilityOfBacktestOverfitting } from "../../src/backtest";
import {
  expandSweep,
  parseReturnsCsv,
  RETURNS_ARTIFACT,
  runSweep,
  SWEEP_TAGS,
  type SweepOutcome,
  type SweepPlan,
  selectAndRecord,
  type TrackedRun,
} from "../../src/pipeline";
import { ledgerStats, MlflowClient, readLedger, tagRecord } from "../../src/tracking";
import { testMlflowUri } from "../setup/testMlflow";
import { plantedSignalConfig } from "./plantedSignal";

const experiment = `sweep-select-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe("a sweep of the planted-signal fixture", { timeout: 300_000 }, () => {
  let outboxDir: string;
  let trackingUri: string;
  let client: MlflowClient;
  let plan: SweepPlan;
  let outcome: SweepOutcome & { runs: TrackedRun[] };

  beforeAll(async () => {
    outboxDir = mkdtempSync(join(tmpdir(), "wsp-sweep-outbox-"));
    trackingUri = await testMlflowUri();
    client = new MlflowClient({ trackingUri, backoffMs: 20 });
    const template = plantedSignalConfig(experiment, undefined, (doc) => {
      doc.set("sweep", { mode: "grid", params: { "models[0].params.max_depth": [1, 2, 3] } });
    });
    plan = expandSweep(template);
    outcome = await runSweep(plan, { trackingUri, outboxDir, progress: false, png: false });
  }, 300_000);

  afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

  it("runs each variant as a full, top-level tracked run tagged with the sweep", async () => {
    expect(outcome.runs).toHaveLength(3);
    for (const [i, tracked] of outcome.runs.entries()) {
      const run = await client.getRun(tracked.runId);
      const tags = tagRecord(run.data.tags);
      expect(run.info.status).toBe("FINISHED");
      expect(tags["mlflow.parentRunId"]).toBeUndefined();
      expect(tags[SWEEP_TAGS.id]).toBe(plan.sweepId);
      expect(tags[SWEEP_TAGS.variant]).toBe(plan.variants[i].label);
      expect(tags.config_hash).toBe(plan.variants[i].loaded.hash);
      // The run's returns artifact: out-of-sample rows before the final holdout only.
      const csv = new TextDecoder().decode(await client.downloadArtifact(tracked.runId, RETURNS_ARTIFACT));
      const oos = parseReturnsCsv(csv, "oos", "returns.csv");
      const bt = tracked.result.backtest;
      expect(oos.returns.length).toBe(bt.holdoutStart);
      expect(oos.ts[oos.ts.length - 1]).toBeLessThan(bt.bars.ts[bt.holdoutStart]);
      expect(Array.from(oos.returns)).toEqual(Array.from(bt.run.simulation.returns.subarray(0, bt.holdoutStart)));
    }
  });

  it("puts every variant's trials in the ledger: 3 variants × (2 models + ensemble)", async () => {
    const ledger = await readLedger(client, experiment);
    expect(ledger.size).toBe(9);
    expect(outcome.selection.trials).toEqual({ sweep: 9, ledger: 9 });
    const variants = [...ledger.values()].map((t) => t.variant).sort();
    expect(variants).toEqual([
      "ensemble",
      "ensemble",
      "ensemble",
      "gbm",
      "gbm",
      "gbm",
      "logistic",
      "logistic",
      "logistic",
    ]);
  });

  it("ranks out of fold by the promotion metric, and deflates the winner's Sharpe by the ledger's count", async () => {
    const s = outcome.selection;
    expect(s.metric).toEqual({ key: "oos_logloss", direction: "min" });
    const byRun = new Map(
      outcome.runs.map((t) => {
        const r = t.result;
        const sel = r.selected === "ensemble" ? r.ensemble : r.models.find((m) => m.name === r.selected);
        return [t.runId, sel?.oos.logloss ?? Number.NaN];
      }),
    );
    const expected = [...byRun.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    expect(s.variants.map((v) => v.runId)).toEqual(expected);
    expect(s.variants.map((v) => v.metric)).toEqual(expected.map((id) => byRun.get(id)));
    expect(s.winner.runId).toBe(expected[0]);
    // The winner's deflated Sharpe: its logged inputs, the ledger's 9 trials and Sharpe variance.
    const winner = await client.getRun(s.winner.runId);
    const m = new Map((winner.data.metrics ?? []).map((x) => [x.key, Number(x.value)]));
    const inputs = {
      sr: m.get("sharpe_inputs.active.sr") as number,
      nObs: m.get("sharpe_inputs.active.n_obs") as number,
      skew: m.get("sharpe_inputs.active.skew") as number,
      kurtosis: m.get("sharpe_inputs.active.kurtosis") as number,
    };
    const stats = ledgerStats(await readLedger(client, experiment), inputs.nObs);
    expect(stats.count).toBe(9);
    const { dsr } = deflatedSharpe({ ...inputs, nTrials: 9, sharpeVariance: stats.activeSharpeVariance });
    expect(s.winnerDsr).toMatchObject({ basis: "active", trials: 9, value: dsr });
    // Runs logged theirs with the ledger of their day: the first saw only its own 3 trials.
    const logged = outcome.runs.map((t) => t.result.backtest.trials);
    expect(logged).toEqual([3, 6, 9]);
  });

  it("computes PBO by CSCV on the variants' out-of-sample returns", () => {
    const pbo = outcome.selection.pbo;
    expect(pbo).not.toBeNull();
    if (!pbo) return;
    const rows = outcome.runs[0].result.backtest.holdoutStart;
    expect(pbo.rows).toBe(rows);
    expect(pbo.blocks).toBe(16);
    expect(pbo.splits).toBe(12870);
    // The same matrix through pbo.ts directly, in the sweep's variant order.
    const order = plan.variants.map((v) => outcome.runs[v.index].result.backtest.run.simulation.returns);
    const matrix = new Float64Array(rows * 3);
    order.forEach((r, c) => {
      matrix.set(r.subarray(0, rows), c * rows);
    });
    expect(pbo.pbo).toBe(probabilityOfBacktestOverfitting(matrix, rows, 3, 16).pbo);
    expect(pbo.pbo).toBeGreaterThanOrEqual(0);
    expect(pbo.pbo).toBeLessThanOrEqual(1);
  });

  it("writes the sweep's run: tags, metrics, the variant table, report and plot", async () => {
    const { record, selection: s } = outcome;
    expect(record.written).toBe(true);
    const run = await client.getRun(record.runId);
    const tags = tagRecord(run.data.tags);
    expect(run.info.status).toBe("FINISHED");
    expect(tags[SWEEP_TAGS.role]).toBe("sweep");
    expect(tags[SWEEP_TAGS.id]).toBe(plan.sweepId);
    expect(tags["wsp.sweep.winner_run_id"]).toBe(s.winner.runId);
    expect(tags["mlflow.note.content"]).toContain(`winner: ${s.winner.label}`);
    const metrics = Object.fromEntries((run.data.metrics ?? []).map((x) => [x.key, Number(x.value)]));
    expect(metrics).toMatchObject({ variants: 3, trials: 9, sweep_trials: 9, pbo: s.pbo?.pbo });
    const files = (await client.listArtifacts(record.runId, "sweep")).map((f) => f.path).sort();
    expect(files).toEqual(
      ["config.yaml", "pbo.json", "report.html", "summary.txt", "variants.csv", "variants.json"].map(
        (f) => `sweep/${f}`,
      ),
    );
    const csv = new TextDecoder().decode(await client.downloadArtifact(record.runId, "sweep/variants.csv")).split("\n");
    expect(csv[0]).toBe("rank,variant,run_id,models[0].params.max_depth,oos_logloss,oos_sharpe_per_period,oos_bars");
    expect(csv[1].startsWith(`1,${s.winner.label},${s.winner.runId},`)).toBe(true);
    expect(csv.filter((l) => l !== "")).toHaveLength(4);
    const html = new TextDecoder().decode(await client.downloadArtifact(record.runId, "sweep/report.html"));
    expect(html).toContain("<table>");
    expect(html).toContain('id="sweep-metric"');
    expect(html).toContain('id="sweep-pbo"');
  });

  it("selects again without writing a second sweep run, finding the variants by tag", async () => {
    const again = await selectAndRecord(plan, { trackingUri, outboxDir });
    expect(again.record).toMatchObject({ runId: outcome.record.runId, written: false });
    expect(again.selection.winner.runId).toBe(outcome.selection.winner.runId);
    expect(again.selection.pbo?.pbo).toBe(outcome.selection.pbo?.pbo);
    expect(again.selection.trials).toEqual({ sweep: 9, ledger: 9 });
  });

  it("refuses a selection that misses a variant or includes a foreign run", async () => {
    const ids = outcome.runs.map((r) => r.runId);
    await expect(selectAndRecord(plan, { trackingUri, outboxDir, runIds: ids.slice(1) })).rejects.toThrow(
      `${plan.sweepId}: no finished run for variant(s) ${plan.variants[0].label}`,
    );
    const other = expandSweep(
      plantedSignalConfig(experiment, undefined, (doc) => {
        doc.set("sweep", { params: { "models[0].params.max_depth": [4, 5] } });
      }),
    );
    await expect(selectAndRecord(other, { trackingUri, outboxDir, runIds: ids })).rejects.toThrow(
      `is not a run of ${other.sweepId} (its wsp.sweep_id: ${plan.sweepId})`,
    );
  });
});
