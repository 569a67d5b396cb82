/**
 * The planted-signal fixture: its synthetic market looks like real daily bars (NYSE sessions,
 * valid OHLCV, about 1 %/day volatility), is the same on every call, and carries the planted
 * edge; the fixture experiment, run end to end and tracked in the suite's MLflow server, passes
 * every gate honestly while its shuffled-label control fails.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSession, loadDataBlock, plantedSignalMarket, validateBars } from "../../src/data";
import { runTracked, type TrackedRun } from "../../src/pipeline";
import { aucNullStd } from "../../src/validation";
import { testMlflowUri } from "../setup/testMlflow";
import { plantedSignalConfig } from "./plantedSignal";

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("plantedSignalMarket", () => {
  const market = plantedSignalMarket();
  const { asset, context, signal } = market;
  const logRet = Float64Array.from({ length: asset.close.length - 1 }, (_, i) =>
    Math.log(asset.close[i + 1] / asset.close[i]),
  );

  it("is daily bars on NYSE sessions, valid OHLCV, about 1 %/day, the same bytes on every call", () => {
    expect(asset.ts.length).toBeGreaterThan(3400);
    expect(Array.from(asset.ts).every(isSession)).toBe(true);
    expect(Array.from(context.ts)).toEqual(Array.from(asset.ts));
    for (const bars of [asset, context]) expect(validateBars(bars).errors).toBe(0);
    for (let i = 0; i < asset.ts.length; i++) {
      expect(asset.high[i]).toBeGreaterThanOrEqual(Math.max(asset.open[i], asset.close[i]));
      expect(asset.low[i]).toBeLessThanOrEqual(Math.min(asset.open[i], asset.close[i]));
    }
    const sd = Math.sqrt(logRet.reduce((s, r) => s + r * r, 0) / logRet.length);
    expect(sd).toBeGreaterThan(0.008);
    expect(sd).toBeLessThan(0.012);
    const again = plantedSignalMarket();
    expect(Buffer.from(again.asset.close.buffer).equals(Buffer.from(asset.close.buffer))).toBe(true);
    expect(Buffer.from(again.context.close.buffer).equals(Buffer.from(context.close.buffer))).toBe(true);
    expect(plantedSignalMarket({ seed: 5 }).asset.close[100]).not.toBe(asset.close[100]);
  });

  it("plants the edge forward only: SENT at t predicts the return after t, not the one into t", () => {
    // logRet[i] is the return from bar i to bar i+1.
    const ahead = correlation(signal.subarray(0, -1), logRet);
    const behind = correlation(signal.subarray(1), logRet);
    expect(ahead).toBeGreaterThan(0.1);
    expect(ahead).toBeLessThan(0.2);
    expect(Math.abs(behind - 0.7 * ahead)).toBeLessThan(0.05); // only through the signal's persistence
    expect(plantedSignalMarket({ edge: 0 }).asset.close.every((c) => c > 0)).toBe(true);
  });
});

describe("data.source synthetic:planted-signal", () => {
  it("loads the market's series by ticker and date range, and names what exists otherwise", async () => {
    const source = "synthetic:planted-signal";
    const loaded = await loadDataBlock({ tickers: ["PLNT"], context: ["SENT"], source, start: "2020-01-01" });
    const market = plantedSignalMarket();
    const from = market.asset.ts.findIndex((t) => t >= Date.UTC(2020, 0, 1));
    expect(Array.from(loaded.tickers[0].bars.close)).toEqual(Array.from(market.asset.close.subarray(from)));
    expect(loaded.context[0].bars.volume).toBeNull();
    expect((await loadDataBlock({ tickers: ["PLNT"], timeframe: "1w", source })).tickers[0].resampledFrom).toBe("1d");
    await expect(loadDataBlock({ tickers: ["SPY"], source })).rejects.toThrow(
      "unknown ticker SPY; available: PLNT, SENT",
    );
    await expect(loadDataBlock({ tickers: ["PLNT"], timeframe: "5m", source })).rejects.toThrow(
      "no 5m data: the market is daily",
    );
  });
});

describe("the planted-signal experiment", { timeout: 120_000 }, () => {
  const experiment = `planted-signal-test-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  let outboxDir: string;
  let tracked: TrackedRun;

  beforeAll(async () => {
    outboxDir = mkdtempSync(join(tmpdir(), "wsp-planted-outbox-"));
    tracked = await runTracked(plantedSignalConfig(experiment), {
      trackingUri: await testMlflowUri(),
      outboxDir,
      progress: false,
      png: false,
    });
  }, 120_000);

  afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

  it("passes every gate: no leakage flag, signal, deflated Sharpe, control", () => {
    const r = tracked.result;
    expect(tracked.offline).toBe(false);
    expect(r.leakage.flags).toEqual([]);
    expect(r.gates.checks.map((c) => [c.name, c.passed])).toEqual([
      ["leakage", true],
      ["signal", true],
      ["deflated_sharpe", true],
      ["control", true],
    ]);
    expect(r.gates.passed).toBe(true);
    expect(r.config.promotion.dsr_basis).toBe("active");
    expect(r.backtest.deflatedSharpe).toBeGreaterThanOrEqual(0.5);
  });

  it("passes honestly: a modest edge, below the leakage screen and the accuracy alarm", () => {
    const r = tracked.result;
    const top = Math.max(...r.leakage.screen.features.map((f) => f.meanAuc));
    expect(top).toBeLessThan(r.config.leakage.auc_threshold);
    // The planted series is the one the screen ranks first.
    const best = r.leakage.screen.features.reduce((a, b) => (b.meanAuc > a.meanAuc ? b : a));
    expect(best.name).toBe("SENT/close");
    for (const v of [...r.models, r.ensemble]) {
      expect(v?.oos.accuracy).toBeGreaterThan(0.5);
      expect(v?.oos.accuracy).toBeLessThan(0.7);
      expect(v?.holdout.accuracy).toBeLessThan(0.7);
    }
    const h = r.ensemble;
    expect(h?.oos.auc).toBeGreaterThan(0.55);
    expect(h?.oos.auc).toBeLessThan(0.6);
    // The final holdout agrees with walk-forward within the null spread: no gap flagged.
    expect(tracked.summary).not.toContain("holdout gap:");
  });

  it("the shuffled-label control fails: AUC within the null spread, worse log-loss, DSR < 0.5", () => {
    const r = tracked.result;
    const c = r.control;
    expect(c).not.toBeNull();
    const rows = c?.oos.rows ?? 0;
    expect(Math.abs((c?.oos.auc ?? 0) - 0.5)).toBeLessThan(2 * aucNullStd(rows / 2, rows / 2));
    expect(c?.oos.logloss).toBeGreaterThan((r.ensemble?.oos.logloss ?? 1) + r.config.promotion.margin);
    expect(c?.deflatedSharpe).toBeLessThan(0.5);
  });

  it("is recorded in MLflow as a passed run", async () => {
    const { MlflowClient } = await import("../../src/tracking");
    const client = new MlflowClient({ trackingUri: await testMlflowUri(), backoffMs: 20 });
    const run = await client.getRun(tracked.runId);
    const tags = Object.fromEntries((run.data.tags ?? []).map((t) => [t.key, t.value]));
    expect(run.info.status).toBe("FINISHED");
    expect(tags["wsp.verdict"]).toBe("passed");
    expect(tags["wsp.leakage"]).toBe("none");
    const params = Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value]));
    expect(params["data.source"]).toBe("synthetic:planted-signal");
  });
});
