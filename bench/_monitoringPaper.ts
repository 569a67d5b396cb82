/**
 * `paper_replay_bars_per_s` (issue 18, `npm run bench -- monitoring`): one ticker's bundled
 * 1-minute bars through the whole online path of `wsp paper`, with forecasts at the model's bar
 * closes. The model is intraday: a spy-5m-like config (SPY 5-minute bars with daily VIX as
 * context, the default feature set with 1h columns, gbm) trained on the bundled 5m file from
 * 2025-05-12 to 2025-09-12 (before the 1-minute file starts) and registered with
 * `promoteRun(..., { force: true })`. Its store (PostgreSQL, a schema of its own, dropped after)
 * holds those 5m bars and VIX up to 2025-09-12; the paper run then replays SPY's minutes from
 * 2025-09-15 for `sessions` sessions: each minute resampled, each closed 5m bar ingested with its
 * minutes, streamed into the forecaster's features, forecast and stored as a signal, and filled
 * by the backtest's kernel. Figure: minutes replayed / wall seconds of the bar loop (model
 * loading and feature warm-up excluded). Floor 200, goal 2,000.
 *
 * `benchPaperReplay()` returns the figures; bench/monitoring.ts calls it.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { barsBetween, DAY_MS, dayMsOf, loadBundled, newYorkToUtc } from "../src/data";
import { paperTrade, parseConfig, promoteRun, runTracked } from "../src/pipeline";
import { discoverPostgres, ensureMlflowServer, stopMlflowServer } from "../src/services";
import { openStore } from "../src/store";
import { MlflowClient } from "../src/tracking";

const TRAIN_END = "2025-09-12";
const REPLAY_FROM = "2025-09-15";

function config(tag: string): string {
  return `
name: ${tag}
tracking: { experiment: ${tag}, model_name: ${tag}-model }
data: { tickers: [SPY], timeframe: 5m, source: bundled, context: [VIX], start: 2025-05-12, end: ${TRAIN_END} }
features: { set: default, timeframes: [1h] }
labels: { kind: fixed_horizon, horizon: 12, classes: 2 }
validation: { kind: walk_forward, train: P1M, test: P1M, mode: expanding, embargo: 12, final_holdout: P2W }
models:
  - { kind: gbm, params: { n_trees: 30, max_depth: 3, learning_rate: 0.1, min_child_weight: 50 } }
calibration: { method: platt }
signals: { long_above: 0.52, short_above: 0.52, hold_bars: 12 }
sizing: { kind: fixed, fraction: 1.0 }
costs: { commission_bps: 0.5, slippage_bps: 1, spread_bps: 1 }
backtest: { benchmark: SPY, guards: null, stress: [] }
controls: { shuffled_labels: false }
`;
}

export interface PaperReplayFigures {
  paper_replay_bars_per_s: number;
  paper_replay_minutes: number;
  paper_replay_model_bars: number;
  paper_replay_s: number;
}

/** Trains and registers the model, replays `sessions` sessions of SPY's minutes, returns the figures. */
export async function benchPaperReplay(sessions = 5): Promise<PaperReplayFigures> {
  const mlflow = await ensureMlflowServer();
  const tag = `bench-paper-${randomBytes(4).toString("hex")}`;
  const outboxDir = mkdtempSync(join(tmpdir(), "wsp-bench-paper-"));
  const { url } = await discoverPostgres({
    configured: process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL,
    configuredBy: process.env.BENCH_DATABASE_URL ? "BENCH_DATABASE_URL" : "DATABASE_URL",
    database: "test",
  });
  const schema = `bench_paper_${randomBytes(4).toString("hex")}`;
  const store = await openStore({ url, schema });
  try {
    const t0 = performance.now();
    const run = await runTracked(parseConfig(config(tag), "bench/_monitoringPaper.ts"), {
      trackingUri: mlflow.uri,
      outboxDir,
      progress: false,
      png: false,
    });
    const client = new MlflowClient({ trackingUri: mlflow.uri });
    const promoted = await promoteRun(client, run.runId, { force: true, allowNoControl: true });
    const trainS = (performance.now() - t0) / 1000;
    // The history the forecaster warms up on: the 5m bars and VIX closes before the replay.
    const until = newYorkToUtc(dayMsOf(REPLAY_FROM), 0);
    await store.ingest(
      [
        barsBetween(loadBundled("SPY", "5m"), Number.NEGATIVE_INFINITY, until),
        barsBetween(loadBundled("VIX", "1d"), Number.NEGATIVE_INFINITY, dayMsOf(REPLAY_FROM)),
      ],
      { source: "bench" },
    );
    const minutes = loadBundled("SPY", "1m");
    let to = dayMsOf(REPLAY_FROM);
    for (let k = 1, day = to; k < sessions; ) {
      day += DAY_MS;
      if (barsBetween(minutes, newYorkToUtc(day, 0), newYorkToUtc(day + DAY_MS, 0)).ts.length > 0) {
        to = day;
        k++;
      }
    }
    const toDate = new Date(to).toISOString().slice(0, 10);
    const r = await paperTrade(
      `${promoted.name}/${promoted.version}`,
      { from: REPLAY_FROM, to: toDate },
      { store, trackingUri: mlflow.uri, outboxDir, record: false },
    );
    const figures = {
      paper_replay_bars_per_s: r.sourceBars / r.replaySeconds,
      paper_replay_minutes: r.sourceBars,
      paper_replay_model_bars: r.book.ts.length,
      paper_replay_s: r.replaySeconds,
    };
    console.log(
      `paper replay: ${tag} (spy-5m-like gbm, trained and registered in ${trainS.toFixed(1)} s), SPY minutes ` +
        `${REPLAY_FROM}..${toDate}: ${r.sourceBars} minutes → ${r.book.ts.length} 5m bars, ${r.forecasts.length} forecasts, ` +
        `${r.simulation.trades.length} trades, bar loop ${r.replaySeconds.toFixed(2)} s (whole call ${r.seconds.toFixed(2)} s): ` +
        `${figures.paper_replay_bars_per_s.toFixed(0)} minutes/s (floor 200, goal 2,000)`,
    );
    return figures;
  } finally {
    await store.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
    rmSync(outboxDir, { recursive: true, force: true });
    if (mlflow.started) await stopMlflowServer();
  }
}
