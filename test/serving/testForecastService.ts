/**
 * The ForecastService the HTTP tests call, until the real forecaster (src/pipeline) replaces it:
 * `createTestForecastService` is the one place to swap. It forecasts nothing (its probabilities
 * are constants); what it does for real is what the HTTP layer's answers depend on: it reads the
 * bundled daily bars (data/daily), answers with the latest real bar at or before `asof`, refuses
 * a ticker with no bars (unknown_symbol) or one outside its model's training set (not_trained),
 * remembers answers (cached), and records each answer as a signal the listing pages through.
 * `state` switches it between the situations the routes must map: no model, store down, a bug.
 */
import { createHash } from "node:crypto";
import { type Bars, listBundled, loadBundled, lowerBound } from "../../src/data";
import { liveMetrics, ROLLING_WINDOW } from "../../src/monitoring";
import {
  DEFAULT_DASHBOARD_URL,
  driftPanel,
  type Forecast,
  ForecastError,
  type ForecastModel,
} from "../../src/pipeline";
import type { ForecastService, SignalsQuery } from "../../src/serving";

/** The model's training set; the other bundled daily tickers are stored but not trained on. */
export const TRAINED = ["SPY", "QQQ"] as const;
export const NOT_TRAINED = "IWM";
export const UNKNOWN = "ZZZZ";
export const MODEL_NAME = "spy-direction";

export interface TestServiceState {
  /** The version behind `champion`; null: no model. */
  model: ForecastModel | null;
  /** False: the store cannot be reached (unavailable, and not ready). */
  storeUp: boolean;
  /** Thrown as is by every call when set: an internal error. */
  failure: Error | null;
}

export interface TestService {
  readonly service: ForecastService;
  readonly state: TestServiceState;
  /** Every query the signal listing received, as the routes passed it. */
  readonly signalQueries: SignalsQuery[];
}

interface StoredSignal {
  readonly ticker: string;
  readonly time: number;
  readonly status: "open";
  readonly forecast: Forecast;
}

export function createTestForecastService(): TestService {
  const state: TestServiceState = {
    model: { name: MODEL_NAME, version: "3", alias: "champion", runId: "run-3" },
    storeUp: true,
    failure: null,
  };
  const stored = new Set(listBundled().flatMap((f) => (f.timeframe === "1d" ? [f.ticker] : [])));
  const bars = new Map<string, Bars>();
  const answered = new Map<string, Forecast>();
  const signals: StoredSignal[] = [];
  const signalQueries: SignalsQuery[] = [];

  const guard = () => {
    if (state.failure) throw state.failure;
    if (!state.storeUp)
      throw new ForecastError("unavailable", "the store at 127.0.0.1:5432 (db test) cannot be reached");
  };

  const modelFor = (ref: string | undefined): ForecastModel => {
    const model = state.model;
    if (model === null) throw new ForecastError("no_model", `no version behind ${MODEL_NAME}@champion`);
    if (ref === undefined) return model;
    const m = /^([^@/]+)(?:@([a-z]+)|\/(\d+))?$/.exec(ref);
    if (!m)
      throw new ForecastError("bad_request", `model: expected name, name@alias or name/version, got ${ref}`, "model");
    if (m[1] !== model.name || (m[3] !== undefined && m[3] !== model.version) || (m[2] && m[2] !== "champion")) {
      throw new ForecastError("no_model", `no model ${ref} (serving ${model.name}/${model.version})`);
    }
    return model;
  };

  const one = (ticker: string, asof: string | undefined, model: ForecastModel): Forecast => {
    const started = performance.now();
    if (!stored.has(ticker)) throw new ForecastError("unknown_symbol", `no stored bars for ${ticker}`);
    if (!(TRAINED as readonly string[]).includes(ticker)) {
      throw new ForecastError("not_trained", `${model.name}/${model.version} was not trained on ${ticker}`);
    }
    const key = `${ticker}|${asof ?? ""}|${model.name}/${model.version}`;
    const memo = answered.get(key);
    if (memo) return { ...memo, cached: true, latencyMs: performance.now() - started };
    if (!bars.has(ticker)) bars.set(ticker, loadBundled(ticker, "1d"));
    const b = bars.get(ticker) as Bars;
    // The route checked asof's form; Date.parse reads each accepted form in UTC or its own zone.
    const at = asof === undefined ? b.ts.length - 1 : lowerBound(b.ts, Date.parse(asof) + 1) - 1;
    if (at < 0) throw new ForecastError("bad_request", `asof: before ${ticker}'s first bar`, "asof");
    const barTime = new Date(b.ts[at]).toISOString();
    const forecast: Forecast = {
      ticker,
      model,
      barTime,
      probabilities: { down: 0.4, up: 0.6 },
      direction: "up",
      signal: "long",
      positionSize: 0.1,
      stopLoss: b.close[at] * 0.98,
      takeProfit: b.close[at] * 1.04,
      regime: { scheme: "vix_breadth_atr", name: null },
      featureHash: createHash("sha256").update(`${ticker}:${b.close[at]}`).digest("hex"),
      expiresAt: new Date(b.ts[at] + 86_400_000).toISOString(),
      cached: false,
      latencyMs: performance.now() - started,
    };
    answered.set(key, forecast);
    signals.push({ ticker, time: b.ts[at], status: "open", forecast });
    return forecast;
  };

  const service: ForecastService = {
    async forecast({ ticker, asof, model }) {
      guard();
      return one(ticker, asof, modelFor(model));
    },
    async forecastBatch({ tickers, asof, model }) {
      guard();
      const m = modelFor(model);
      const forecasts: Forecast[] = [];
      const errors: { ticker: string; code: ForecastError["code"]; message: string }[] = [];
      for (const ticker of tickers) {
        try {
          forecasts.push(one(ticker, asof, m));
        } catch (err) {
          if (!(err instanceof ForecastError)) throw err;
          errors.push({ ticker, code: err.code, message: err.message });
        }
      }
      return { forecasts, errors };
    },
    async signals(q) {
      guard();
      signalQueries.push(q);
      const matching = signals.filter(
        (s) =>
          (q.ticker === undefined || s.ticker === q.ticker) &&
          (q.from === undefined || s.time >= q.from) &&
          (q.to === undefined || s.time <= q.to) &&
          (q.status === undefined || q.status === "all" || q.status === s.status),
      );
      const start = q.cursor ? Number(q.cursor) : 0;
      const end = start + (q.limit ?? matching.length);
      return { signals: matching.slice(start, end), next: end < matching.length ? String(end) : null };
    },
    async readiness() {
      if (state.failure) throw state.failure;
      const model = state.model;
      const checks = {
        model: {
          ok: model !== null,
          detail: model ? `${model.name}/${model.version} loaded` : "no version behind champion",
        },
        store: { ok: state.storeUp, detail: state.storeUp ? "127.0.0.1:5432 answers" : "127.0.0.1:5432 refused" },
      };
      return { ready: checks.model.ok && checks.store.ok, checks };
    },
    async reload() {
      guard();
      return { model: state.model, newBars: 0 };
    },
    // Nothing matured and no drift check yet: the page's empty state (the real forecaster's page
    // is tested in test/serving/monitorPage.test.ts).
    async monitor() {
      guard();
      const model = state.model;
      if (model === null) throw new ForecastError("no_model", "no version of spy-direction has the alias champion");
      return {
        model: { name: model.name, version: model.version, alias: model.alias },
        timeframe: "1d",
        generatedAt: Date.now(),
        forecasts: [],
        accuracy: {
          window: ROLLING_WINDOW,
          ts: [],
          accuracy: [],
          baseline: null,
          thresholds: [],
          band: null,
          metrics: liveMetrics([], { classes: ["down", "up"] }),
        },
        drift: driftPanel([]),
        paper: null,
        dashboardUrl: DEFAULT_DASHBOARD_URL,
      };
    },
  };
  return { service, state, signalQueries };
}
