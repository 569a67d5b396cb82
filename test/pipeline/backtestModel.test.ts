/**
 * The backtest of a registered model: the planted-signal champion backtested over its own final
 * holdout predicts exactly what its run predicted there; the backtest block's costs change the
 * result; the run records the backtest and names the model's run; a run id resolves to its version.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isoDate } from "../../src/data";
import {
  BacktestBlockError,
  backtestModel,
  promoteRun,
  runTracked,
  selectedHoldoutProbs,
  type TrackedRun,
} from "../../src/pipeline";
import { MlflowClient, tagRecord } from "../../src/tracking";
import { testMlflowUri } from "../setup/testMlflow";
import { plantedSignalConfig } from "./plantedSignal";

const tag = `backtest-model-${randomBytes(4).toString("hex")}`;
const modelName = `${tag}-model`;

describe("backtestModel", { timeout: 300_000 }, () => {
  let uri: string;
  let client: MlflowClient;
  let outboxDir: string;
  let tracked: TrackedRun;
  let start: string;

  beforeAll(async () => {
    uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    outboxDir = mkdtempSync(join(tmpdir(), "wsp-backtest-model-"));
    tracked = await runTracked(plantedSignalConfig(tag, modelName), {
      trackingUri: uri,
      outboxDir,
      progress: false,
      png: false,
    });
    expect((await promoteRun(client, tracked.runId)).champion).toBe(true);
    const r = tracked.result;
    start = isoDate(r.panel.ts[r.plan.holdout[0]]);
  }, 240_000);

  afterAll(() => {
    if (outboxDir) rmSync(outboxDir, { recursive: true, force: true });
  });

  it("predicts the run's own final holdout exactly, and records the backtest against the model's run", async () => {
    const bt = await backtestModel(`${modelName}@champion`, { period: { start } }, { trackingUri: uri, outboxDir });
    const r = tracked.result;
    const offline = selectedHoldoutProbs(r);
    const byTs = new Map(Array.from(bt.predictions.ts, (t, i) => [t, bt.predictions.probs[i]]));
    let compared = 0;
    for (const row of r.plan.holdout) {
      const expected = offline[row];
      const got = byTs.get(r.panel.ts[row]);
      expect(got).toBeDefined();
      if (Number.isNaN(expected)) continue;
      expect(Math.abs((got as number) - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      compared++;
    }
    expect(compared).toBeGreaterThan(400);
    expect(bt.predictions.ts[0]).toBe(r.panel.ts[r.plan.holdout[0]]);
    expect(bt.model).toEqual({ name: modelName, version: "1", runId: tracked.runId });
    expect(bt.report.trades.trades).toBeGreaterThan(0);
    const run = await client.getRun(bt.runId);
    expect(run.info.status).toBe("FINISHED");
    const tags = tagRecord(run.data.tags);
    expect(tags["wsp.backtest.model_run"]).toBe(tracked.runId);
    expect(tags["wsp.backtest.model"]).toBe(`${modelName}/1`);
    expect(tagRecord(run.data.params)["period.start"]).toBe(start);
    const metrics = Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));
    expect(metrics.sharpe).toBeCloseTo(bt.report.returns.sharpe, 9);
  });

  it("applies the block's costs and stress windows; a run id resolves to its registered version", async () => {
    const cheap = await backtestModel(
      tracked.runId,
      { period: { start: "2020-01-02" }, stress: ["covid_2020"] },
      {
        trackingUri: uri,
        outboxDir,
      },
    );
    expect(cheap.model.version).toBe("1");
    expect(cheap.report.stress.map((s) => s.name)).toEqual(["covid_2020"]);
    const dear = await backtestModel(
      `${modelName}/1`,
      { period: { start: "2020-01-02" }, costs: { commission_bps: 25, slippage_bps: 25 } },
      { trackingUri: uri, outboxDir },
    );
    expect(Array.from(dear.predictions.probs)).toEqual(Array.from(cheap.predictions.probs));
    expect(dear.report.returns.totalReturn).toBeLessThan(cheap.report.returns.totalReturn);
  });

  it("refuses a bad block, naming the field", async () => {
    await expect(
      backtestModel(`${modelName}@champion`, { period: { start: "2031-01-02" } }, { trackingUri: uri }),
    ).rejects.toThrow(
      new BacktestBlockError(
        "backtest block: period.start 2031-01-02: the data ends 2024-12-31, fewer than 3 bars after it",
      ),
    );
    await expect(
      backtestModel(
        `${modelName}@champion`,
        { period: { start: "2020-01-02", end: "2019-01-01" } },
        { trackingUri: uri },
      ),
    ).rejects.toThrow(new BacktestBlockError("backtest block: period.start: start is after end"));
  });
});
