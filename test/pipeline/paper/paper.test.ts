/**
 * Paper = backtest, on the planted-signal champion, a real MLflow server and the suite's
 * PostgreSQL: a paper run over a window of the final holdout (each daily bar ingested, streamed,
 * forecast, stored as a signal and filled by the fed kernel) holds, bar by bar, the positions and
 * the equity `backtestModel` gives over the same period; the signals stored are the forecasts
 * made; a second run over the same window stores nothing new and trades the same.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayMsOf } from "../../../src/data";
import {
  backtestModel,
  type ModelBacktestResult,
  type PaperResult,
  paperEquity,
  paperTrade,
} from "../../../src/pipeline";
import { openStore, type SignalRecord, type Store } from "../../../src/store";
import { MlflowClient, tagRecord } from "../../../src/tracking";
import { testMlflowUri } from "../../setup/testMlflow";
import { postgresTarget, type StoreTarget } from "../../store/storeFixtures";
import { type Champion, ingestPlanted, trainChampion } from "../../serving/_champion";

const equal = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const FROM = "2024-03-01";
const TO = "2024-06-28";

describe("paper trading the planted-signal champion", { timeout: 600_000 }, () => {
  let uri: string;
  let target: StoreTarget;
  let store: Store;
  let champion: Champion;
  let outboxDir: string;
  let paper: PaperResult;
  let bt: ModelBacktestResult;
  const progress: number[] = [];

  const storedSignals = async (): Promise<SignalRecord[]> =>
    (await store.listSignals({ ticker: "PLNT", status: "all", limit: 1000 })).signals.filter(
      (s) => s.modelName === champion.modelName,
    );

  beforeAll(async () => {
    uri = await testMlflowUri();
    outboxDir = mkdtempSync(join(tmpdir(), "wsp-paper-"));
    champion = await trainChampion(uri);
    target = postgresTarget();
    store = await openStore(target.options);
    // The history the forecast service warms up on: every bar before the period.
    await ingestPlanted(store, Number.NEGATIVE_INFINITY, dayMsOf(FROM));
    const ref = `${champion.modelName}@champion`;
    paper = await paperTrade(
      ref,
      { from: FROM, to: TO },
      { store, trackingUri: uri, outboxDir, onProgress: (p) => progress.push(p.done) },
    );
    bt = await backtestModel(ref, { period: { start: FROM, end: TO } }, { trackingUri: uri, outboxDir });
  }, 500_000);

  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
    champion?.cleanup();
    if (outboxDir) rmSync(outboxDir, { recursive: true, force: true });
  });

  it("holds the backtest's positions and equity at every bar of the period", () => {
    const sim = bt.simulation;
    const n = sim.ts.length;
    expect(n).toBeGreaterThan(80);
    expect(Array.from(paper.book.ts)).toEqual(Array.from(sim.ts));
    // Shares held at each close, from the backtest's trade log: entered at entryIndex, gone by exitIndex.
    const held = new Float64Array(n);
    for (let i = 0; i < sim.trades.length; i++) {
      for (let t = sim.trades.entryIndex[i]; t < sim.trades.exitIndex[i]; t++) {
        held[t] = sim.trades.direction[i] * sim.trades.shares[i];
      }
    }
    expect(held.some((q) => q > 0) && held.some((q) => q === 0)).toBe(true);
    for (let t = 0; t < n; t++) {
      expect(
        equal(paper.book.positions[0][t], held[t]),
        `shares at bar ${t}: ${paper.book.positions[0][t]} vs ${held[t]}`,
      ).toBe(true);
      expect(
        equal(paper.book.equity[t], sim.equity[t]),
        `equity at bar ${t}: ${paper.book.equity[t]} vs ${sim.equity[t]}`,
      ).toBe(true);
    }
    expect(sim.trades.length).toBeGreaterThan(3);
    expect(paper.simulation.trades.length).toBe(sim.trades.length);
    expect(paper.unforecast).toEqual([]);
    // The period's every bar forecast, with the offline pipeline's probabilities.
    expect(paper.forecasts.map((f) => f.barTs)).toEqual(Array.from(bt.predictions.ts));
    paper.forecasts.forEach((f, i) => {
      expect(equal(f.probabilities.up, bt.predictions.probs[i])).toBe(true);
    });
    expect(progress.at(-1)).toBe(n);
  });

  it("writes a daily report and the portfolio to a paper run in the model's experiment", async () => {
    const sessions = paper.sessions;
    expect(sessions).toHaveLength(paper.book.ts.length);
    expect(sessions.reduce((s, d) => s + d.fills, 0)).toBe(2 * paper.simulation.trades.length);
    expect(equal(sessions.at(-1)?.equity ?? 0, bt.simulation.equity.at(-1) ?? 1)).toBe(true);
    const client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    const run = await client.getRun(paper.runId as string);
    const tags = tagRecord(run.data.tags);
    expect(tags["wsp.role"]).toBe("paper");
    expect(tags["wsp.paper.model_run"]).toBe(champion.runId);
    const daily = new TextDecoder().decode(await client.downloadArtifact(paper.runId as string, "paper/daily.csv"));
    expect(daily.trim().split("\n")).toHaveLength(sessions.length + 1);
  });

  it("is what the monitoring page's paper panel reads: its equity, against holding PLNT", async () => {
    const client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    const model = { name: champion.modelName, version: champion.version };
    const panel = await paperEquity(store, client, model, champion.modelName.replace(/-model$/, ""));
    expect(panel?.runId).toBe(paper.runId);
    expect(panel?.ts).toEqual([...paper.book.ts]);
    expect(panel?.equity.every((e, i) => equal(e, paper.book.equity[i]))).toBe(true);
    const closes = (await store.query("PLNT", "1d", { from: dayMsOf(FROM) })).close;
    expect(panel?.benchmark.name).toBe("PLNT");
    expect(panel?.benchmark.values.every((v, i) => equal(v, (paper.book.equity[0] * closes[i]) / closes[0]))).toBe(
      true,
    );
    expect(await paperEquity(store, client, { ...model, version: "999" }, "no-such-experiment")).toBeNull();
  });

  it("stores one signal per forecast made, and nothing new on a second run over the window", async () => {
    const signals = await storedSignals();
    const inPeriod = signals.filter((s) => s.barTs >= dayMsOf(FROM));
    expect(inPeriod).toHaveLength(paper.forecasts.length);
    const byBar = new Map(inPeriod.map((s) => [s.barTs, s]));
    for (const f of paper.forecasts) {
      const s = byBar.get(f.barTs) as SignalRecord;
      expect(s.signalType).toBe(f.signal);
      expect(s.featureHash).toBe(f.featureHash);
      expect(s.modelVersion).toBe(champion.version);
      expect(equal(s.probabilities.up, f.probabilities.up)).toBe(true);
    }
    const again = await paperTrade(
      `${champion.modelName}@champion`,
      { from: FROM, to: TO },
      // Paced: the period's market time (~4 months of closes) in about a second of wall time.
      { store, trackingUri: uri, outboxDir, record: false, speed: 1e7 },
    );
    const span = (paper.book.ts.at(-1) as number) - paper.book.ts[0];
    expect(again.replaySeconds).toBeGreaterThanOrEqual(span / 1e7 / 1000);
    expect(await storedSignals()).toHaveLength(signals.length);
    expect(Array.from(again.book.equity)).toEqual(Array.from(paper.book.equity));
    expect(again.forecasts).toEqual(paper.forecasts);
  });

  it("runs as `wsp paper`, printing the daily report and the backtest's final equity", async () => {
    const { url, schema } = target.options;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "bin/wsp.js",
        "paper",
        "--model",
        `${champion.modelName}@champion`,
        "--from",
        FROM,
        "--to",
        TO,
        "--db",
        url as string,
        "--schema",
        schema as string,
        "--no-record",
      ],
      { env: { ...process.env, MLFLOW_TRACKING_URI: uri }, timeout: 240_000 },
    );
    const lines = stdout.trim().split("\n");
    expect(lines[0].split("\t")).toEqual([
      "date",
      "bars",
      "fills",
      "closed",
      "trade_pnl",
      "pnl",
      "return",
      "equity",
      "exposure",
    ]);
    expect(lines.filter((l) => /^\d{4}-\d{2}-\d{2}\t/.test(l))).toHaveLength(paper.sessions.length);
    const sim = bt.simulation;
    const final = (sim.equity.at(-1) as number).toFixed(2);
    expect(lines.at(-1)).toContain(`${sim.ts.length} 1d bars, ${sim.trades.length} trades, equity ${final}`);
  });
});
