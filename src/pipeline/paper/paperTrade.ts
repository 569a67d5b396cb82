/**
 * `wsp paper`: a registered model traded on paper over a recorded period, bar by bar through the
 * online path. Each close of the model's timeframe (paperSource.ts): its bars are appended to
 * the store (`Store.append`, one statement, as a live feed writes), the forecaster streams them
 * into its warm features and forecasts the bar (storing the signal once per ticker, bar and
 * version), and the backtest's own kernel, fed bar by bar
 * (simulationFeed), fills the signal with the run's costs, sizing and stops. The paper portfolio
 * is what the feed holds at each close; the daily report and the portfolio go to a run in the
 * model's experiment tagged `wsp.role=paper` (paperRecord.ts).
 *
 * Paper = backtest: the feed is `simulate` over the same bars, signals, side probabilities and
 * volatile flags, from the period's first bar (where the engine's ATR and volatility start, as in
 * `backtestModel` of the same period), and the forecast's probability is the offline one; so a
 * paper run's positions and equity are `backtestModel`'s over the period.
 *
 * The store must hold the model's bars before the period (as the forecast service needs them);
 * bars it holds inside the period must be the replay's own (a second run over the same window),
 * else the forecasts would read other bars than the portfolio trades: that is refused.
 */
import { performance } from "node:perf_hooks";
import { type FeedStep, simulationFeed } from "../../backtest";
import { type Bars, dayMsOf, isIntraday, isoDate } from "../../data";
import type { Store } from "../../store";
import { MlflowClient, ModelRegistry } from "../../tracking";
import { trackingUri as defaultTrackingUri } from "../../services";
import type { LoadedConfig } from "../config";
import { Forecaster } from "../forecast/forecaster";
import { type Forecast, ForecastError } from "../forecast/forecastTypes";
import { parseModelRequest, resolveVersion } from "../forecast/servedModel";
import { readModelConfig } from "../modelConfig";
import { runPhases } from "../runExperiment";
import { storeQuery } from "../storeSource";
import { type PaperBook, dailyReport } from "./paperReport";
import type { PaperForecast, PaperOptions, PaperPeriod, PaperResult } from "./paperTypes";
import { recordPaper } from "./paperRecord";
import { dailyReplay, minuteReplay, type Replay, type ReplayClose } from "./paperSource";

/** A model reference pinned to the version behind it now, with its run and config. */
async function pinnedModel(client: MlflowClient, ref: string) {
  const request = parseModelRequest(ref);
  const found = await resolveVersion(client, request);
  if (!found) {
    const what = request.alias ? `no version of ${request.name} has the alias ${request.alias}` : `no version ${ref}`;
    throw new Error(`paper --model ${ref}: ${what}; promote a run with \`wsp promote <run-id>\``);
  }
  const version = found.version;
  const mv = await new ModelRegistry(client).getModelVersion(request.name, version);
  if (!mv?.run_id) throw new Error(`paper --model ${ref}: ${request.name}/${version} names no run`);
  const model = { name: request.name, version, runId: mv.run_id };
  return { model, loaded: await readModelConfig(client, model) };
}

function checkPeriod(p: PaperPeriod): void {
  for (const [flag, v] of [
    ["--from", p.from],
    ["--to", p.to],
  ] as const) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || isoDate(dayMsOf(v)) !== v) {
      throw new Error(`paper ${flag}: expected a date YYYY-MM-DD, got ${JSON.stringify(v)}`);
    }
  }
  if (p.from > p.to) throw new Error(`paper --from ${p.from} is after --to ${p.to}`);
}

/** The replay of the model's period: its own daily bars, or the bundled minutes resampled. */
async function replayOf(loaded: LoadedConfig, period: PaperPeriod, opts: PaperOptions): Promise<Replay> {
  const config = loaded.config;
  const { data } = await runPhases(
    { ...loaded, config: { ...config, data: { ...config.data, end: period.to } } },
    "data",
    {
      progress: false,
      dataDir: opts.dataDir,
      fromStore: storeQuery(opts.store),
    },
  );
  const tf = config.data.timeframe;
  if (isIntraday(tf)) return minuteReplay(data.tickers, tf, data.context, period, opts.dataDir);
  if (tf !== "1d") throw new Error(`paper: ${tf} models are not replayed (daily and intraday only)`);
  return dailyReplay(data.tickerBars, data.context, period.from);
}

/**
 * The store's bars inside the period, per series: a replayed bar the store already holds must be
 * the same bar (a rerun), or the forecasts would not read what the portfolio trades.
 */
class StoredWindow {
  private constructor(private readonly held: Map<string, { bars: Bars; at: Map<number, number> }>) {}

  static async read(store: Store, series: { ticker: string; timeframe: Bars["timeframe"] }[], from: number) {
    const known = new Map((await store.listSeries()).map((s) => [`${s.ticker}/${s.timeframe}`, s.last]));
    const held = new Map<string, { bars: Bars; at: Map<number, number> }>();
    for (const s of series) {
      const key = `${s.ticker}/${s.timeframe}`;
      const last = known.get(key);
      if (last === undefined || last < from) continue;
      const bars = await store.query(s.ticker, s.timeframe, { from });
      held.set(key, { bars, at: new Map(Array.from(bars.ts, (t, i) => [t, i])) });
    }
    return new StoredWindow(held);
  }

  /** The bars the store does not hold yet; a held bar must be the replay's own. */
  unstored(bars: Bars): Bars {
    const held = this.held.get(`${bars.ticker}/${bars.timeframe}`);
    if (!held) return bars;
    const stored = held.bars;
    const keep: number[] = [];
    for (let i = 0; i < bars.ts.length; i++) {
      const j = held.at.get(bars.ts[i]);
      if (j === undefined) {
        keep.push(i);
        continue;
      }
      for (const k of ["open", "high", "low", "close"] as const) {
        const a = bars[k][i];
        const b = stored[k][j];
        if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(b))) {
          throw new Error(
            `paper: the store holds another ${bars.ticker} ${bars.timeframe} bar at ${new Date(bars.ts[i]).toISOString()} (${k} ${b}, the replay's ${a}); paper replays into a store whose bars end before --from, or hold the replay's own`,
          );
        }
      }
    }
    if (keep.length === bars.ts.length) return bars;
    const take = (c: Float64Array) => Float64Array.from(keep, (i) => c[i]);
    return {
      ...bars,
      ts: take(bars.ts),
      open: take(bars.open),
      high: take(bars.high),
      low: take(bars.low),
      close: take(bars.close),
      volume: bars.volume && take(bars.volume),
      adjClose: bars.adjClose && take(bars.adjClose),
    };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function feedStep(f: Forecast | null, bar: ReplayClose["bars"][number]): FeedStep {
  const side = f?.signal ?? "none";
  const signal = side === "long" ? 1 : side === "short" ? -1 : 0;
  const probability = signal === 0 ? Number.NaN : (f as Forecast).probabilities[side === "long" ? "up" : "down"];
  return { bar, signal, probability, volatile: f?.regime.name === "volatile" };
}

/** Paper-trades `ref` (`name@alias`, `name/version`) over `period`; see the file's comment. */
export async function paperTrade(ref: string, period: PaperPeriod, opts: PaperOptions): Promise<PaperResult> {
  checkPeriod(period);
  const speed = opts.speed ?? 0;
  if (!(speed >= 0 && Number.isFinite(speed))) throw new Error(`paper --speed: expected a number >= 0, got ${speed}`);
  const started = performance.now();
  const client = new MlflowClient({
    trackingUri: opts.trackingUri ?? defaultTrackingUri(),
    retries: 3,
    backoffMs: 200,
  });
  const { model, loaded } = await pinnedModel(client, ref);
  const config = loaded.config;
  const tickers = config.data.tickers;
  const tf = config.data.timeframe;
  const replay = await replayOf(loaded, period, opts);
  const from = isIntraday(tf) ? Number.NEGATIVE_INFINITY : dayMsOf(period.from);
  const stored = await StoredWindow.read(
    opts.store,
    [
      ...tickers.map((ticker) => ({ ticker, timeframe: tf })),
      ...config.data.context.map((ticker) => ({ ticker, timeframe: "1d" as const })),
    ],
    Number.isFinite(from) ? from : dayMsOf(period.from),
  );
  const forecaster = await Forecaster.open({
    store: opts.store,
    client,
    model: `${model.name}/${model.version}`,
    pollMs: 0,
    refreshMs: 0,
    dataDir: opts.dataDir,
    // A rerun finds the period's bars streamed already: the forecasts look back over all of them.
    keep: replay.maxCloses + 512,
  });
  const feed = simulationFeed(
    { tickers, timeframe: tf, capacity: replay.maxCloses, adjusted: replay.adjusted },
    { signals: config.signals, sizing: config.sizing, costs: config.costs, backtest: config.backtest },
  );
  const cap = replay.maxCloses;
  const book = {
    ts: new Float64Array(cap),
    cash: new Float64Array(cap),
    positions: tickers.map(() => new Float64Array(cap)),
  };
  const forecasts: PaperForecast[] = [];
  const unforecast: PaperResult["unforecast"] = [];
  const wallStart = performance.now();
  let firstClose = Number.NaN;
  try {
    for (const close of replay.closes()) {
      if (speed > 0) {
        if (Number.isNaN(firstClose)) firstClose = close.closeTime;
        const wait = wallStart + (close.closeTime - firstClose) / speed - performance.now();
        if (wait > 0) await sleep(wait);
      }
      // Appended, not re-ingested: a bar per close, each after its series' last stored one.
      await opts.store.append(close.ingest.map((s) => stored.unstored(s)).filter((s) => s.ts.length > 0));
      await forecaster.refreshBars();
      const steps = await Promise.all(
        tickers.map(async (ticker, a) => {
          const f = await forecastOrWarmUp(forecaster, ticker, close.ts, unforecast);
          if (f) {
            forecasts.push({
              ticker,
              barTs: close.ts,
              signal: f.signal,
              probabilities: f.probabilities,
              featureHash: f.featureHash,
            });
          }
          return feedStep(f, close.bars[a]);
        }),
      );
      const t = feed.stepped;
      feed.push(steps, close.last);
      book.ts[t] = close.ts;
      book.cash[t] = feed.cash;
      tickers.forEach((_, a) => {
        book.positions[a][t] = feed.position(a);
      });
      opts.onProgress?.({ done: close.sourceDone, total: replay.sourceBars, barTs: close.ts, equity: feed.equity });
    }
  } finally {
    forecaster.close();
  }
  const replaySeconds = (performance.now() - wallStart) / 1000;
  const simulation = feed.result();
  const n = feed.stepped;
  if (n === 0) throw new Error(`paper: no ${tf} bar of ${tickers.join(", ")} in ${period.from}..${period.to}`);
  const paperBook: PaperBook = {
    tickers,
    ts: book.ts.subarray(0, n),
    cash: book.cash.subarray(0, n),
    positions: book.positions.map((p) => p.subarray(0, n)),
    equity: simulation.equity,
    grossExposure: simulation.grossExposure,
  };
  const sessions = dailyReport(paperBook, simulation, tf);
  const result: PaperResult = {
    runId: null,
    model,
    period,
    timeframe: tf,
    book: paperBook,
    simulation,
    sessions,
    forecasts,
    unforecast,
    sourceBars: replay.sourceBars,
    seconds: (performance.now() - started) / 1000,
    replaySeconds,
  };
  if (opts.record ?? true) {
    result.runId = await recordPaper(
      client,
      { experiment: config.tracking.experiment, outboxDir: opts.outboxDir, speed },
      result,
    );
  }
  return result;
}

/** The forecast at `barTs`; null (no signal, noted) while the model's features warm up. */
async function forecastOrWarmUp(
  forecaster: Forecaster,
  ticker: string,
  barTs: number,
  unforecast: PaperResult["unforecast"],
): Promise<Forecast | null> {
  let f: Forecast;
  try {
    f = await forecaster.forecast({ ticker, asof: new Date(barTs).toISOString() });
  } catch (err) {
    if (err instanceof ForecastError && err.code === "bad_request" && /not all defined/.test(err.message)) {
      unforecast.push({ ticker, barTs, reason: err.message });
      return null;
    }
    throw err;
  }
  if (Date.parse(f.barTime) !== barTs) {
    throw new Error(
      `paper: ${ticker}'s bar at ${new Date(barTs).toISOString()} did not reach the forecaster (its latest is ${f.barTime}): a context series has no bar closed by then`,
    );
  }
  return f;
}
