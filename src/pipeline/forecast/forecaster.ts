/**
 * The forecast service's engine, behind `wsp forecast`, the HTTP routes and the `forecast` job:
 * registered models served from warm feeds over the store, each (ticker, bar, version) computed
 * once, remembered and stored as a signal; the registry watched, and a new version swapped in
 * whole. docs/architecture.md, "Serving forecasts".
 *
 * A model request (`name`, `name@alias`, `name/version`) has a slot. A slot's state is replaced,
 * never edited: a request reads the state once when it starts, so a request in flight finishes on
 * the version it began with and names it, while the next one gets the new version.
 */
import { performance } from "node:perf_hooks";
import type { NewSignal, SeriesInfo, SignalInsert, SignalPage, SignalQuery, Store } from "../../store";
import type { MlflowClient } from "../../tracking";
import { type ComputedForecast, type ForecastDetail, forecastAt } from "./forecastAt";
import { checkTicker, parseAsof } from "./forecastRequest";
import { type Forecast, ForecastError, type ForecastErrorCode } from "./forecastTypes";
import { type MonitorData, monitorData } from "../monitoring/monitorData";
import { type MarketOptions, ModelMarket } from "./modelMarket";
import {
  loadServedModel,
  type ModelRequest,
  modelRequestText,
  parseModelRequest,
  resolveVersion,
  type ServedModel,
  unavailable,
} from "./servedModel";

export interface ForecasterOptions extends MarketOptions {
  store: Store;
  client: MlflowClient;
  /** The model a request that names none gets: `name` (its champion), `name@alias` or `name/version`. */
  model: string;
  /** When the champion is gone: serve the `previous` alias, or answer no_model (default `none`). */
  fallback?: "previous" | "none";
  /** Registry poll interval (ms, default 10,000; 0: only on `checkRegistry()`). */
  pollMs?: number;
  /** Store poll for new bars (ms, default 1,000; 0: only on `refreshBars()` and late `asof`s). */
  refreshMs?: number;
  /** Forecasts remembered (default 100,000; the oldest go first). */
  cacheSize?: number;
  /** Told of a failed poll (registry or store away, a new version that cannot load); the old state stays served. */
  onPollError?: (err: unknown) => void;
  /** Store every new forecast in `trading_signals` (default true). */
  storeSignals?: boolean;
  /** Told of each signal stored: `inserted` false when its (ticker, bar, version) was there already. */
  onSignalStored?: (insert: SignalInsert) => void;
  /** Where the monitoring page links to the queue dashboard (default `wsp dashboard`'s, http://127.0.0.1:3030). */
  dashboardUrl?: string;
}

export interface BatchForecast {
  forecasts: Forecast[];
  errors: { ticker: string; code: ForecastErrorCode; message: string }[];
}

type SlotState =
  | { readonly kind: "served"; readonly served: ServedModel; readonly market: ModelMarket }
  | { readonly kind: "none"; readonly reason: string };

interface Slot {
  readonly request: ModelRequest;
  state: SlotState;
  /** The swap under way, so concurrent checks load a version once. */
  loading: Promise<void> | null;
}

/** Batch forecasts in flight at once. */
const BATCH_CONCURRENCY = 16;

const NO_MODEL_HINT = "promote a run with `wsp promote <run-id>` (or submit a `promote` job)";

export class Forecaster {
  private readonly slots = new Map<string, Slot>();
  private readonly cache = new Map<string, ComputedForecast>();
  private readonly pending = new Map<string, Promise<ComputedForecast>>();
  private catalog: SeriesInfo[] = [];
  private refreshing: Promise<number> | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly defaultRequest: ModelRequest;

  private constructor(private readonly opts: ForecasterOptions) {
    this.defaultRequest = parseModelRequest(opts.model);
  }

  /** Loads the default model and warms its feeds; a missing champion is a state, not an error. */
  static async open(opts: ForecasterOptions): Promise<Forecaster> {
    const f = new Forecaster(opts);
    f.catalog = await f.readCatalog();
    await f.slotOf(f.defaultRequest);
    const poll = opts.pollMs ?? 10_000;
    const refresh = opts.refreshMs ?? 1_000;
    if (poll > 0) f.every(poll, () => f.checkRegistry());
    if (refresh > 0) f.every(refresh, () => f.refreshBars());
    return f;
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    // A failed poll (store or registry restarting) is retried on the next tick; what is served stays.
    const t = setInterval(() => void task().catch((err) => this.opts.onPollError?.(err)), ms);
    t.unref();
    this.timers.push(t);
  }

  /** The default model's identity now (null: none served). */
  served(): ServedModel["id"] | null {
    const slot = this.slots.get(modelRequestText(this.defaultRequest));
    return slot?.state.kind === "served" ? slot.state.served.id : null;
  }

  /** Whether a model of this name is served (by any alias or version). */
  serves(model: string): boolean {
    return [...this.slots.values()].some((s) => s.request.name === model);
  }

  private async slotOf(request: ModelRequest): Promise<Slot> {
    const key = modelRequestText(request);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { request, state: { kind: "none", reason: "not loaded yet" }, loading: null };
      this.slots.set(key, slot);
      try {
        await this.check(slot);
      } finally {
        // A request for a model that is not there leaves nothing behind; the default stays watched.
        if (slot.state.kind === "none" && key !== modelRequestText(this.defaultRequest)) this.slots.delete(key);
      }
    } else if (slot.loading) await slot.loading;
    return slot;
  }

  /**
   * Which version a slot should serve now, with the alias it is served under: the request's, unless
   * it is gone or paused; then the champion's `previous` when the service was started with that
   * fallback (and it is not paused too).
   */
  private async target(r: ModelRequest): Promise<{ version: string; request: ModelRequest } | { reason: string }> {
    const found = await resolveVersion(this.opts.client, r);
    if (found && found.paused === null) return { version: found.version, request: r };
    const what = !found
      ? r.alias
        ? `no version of ${r.name} has the alias ${r.alias}`
        : `${r.name} has no version ${r.version}`
      : `${r.name}/${found.version} is paused (${found.paused}); \`wsp models resume ${r.name}/${found.version}\` serves it again`;
    const hint = found ? "" : `; ${NO_MODEL_HINT}`;
    if (r.alias === "champion" && this.opts.fallback === "previous") {
      const previous = { ...r, alias: "previous" };
      const fallback = await resolveVersion(this.opts.client, previous);
      if (fallback && fallback.paused === null) return { version: fallback.version, request: previous };
      return { reason: `${what}, and no unpaused version has the alias previous${hint}` };
    }
    return { reason: `${what}${hint}` };
  }

  /** Resolves the slot's alias and swaps in the version behind it when that changed. */
  private check(slot: Slot): Promise<void> {
    slot.loading ??= (async () => {
      try {
        const t = await this.target(slot.request);
        if ("reason" in t) {
          slot.state = { kind: "none", reason: t.reason };
          return;
        }
        const now = slot.state;
        if (now.kind === "served" && now.served.id.version === t.version && now.served.id.alias === t.request.alias)
          return;
        const served = await loadServedModel(this.opts.client, t.request, t.version);
        const market = await ModelMarket.open(served, this.opts.store, this.opts);
        slot.state = { kind: "served", served, market };
      } finally {
        slot.loading = null;
      }
    })();
    return slot.loading;
  }

  /** Checks every served alias against the registry now (after a promote or a retrain). */
  async checkRegistry(): Promise<void> {
    await Promise.all([...this.slots.values()].map((s) => this.check(s)));
  }

  private async readCatalog(): Promise<SeriesInfo[]> {
    try {
      return await this.opts.store.listSeries();
    } catch (err) {
      throw new ForecastError("unavailable", `the store cannot be read: ${(err as Error).message}`);
    }
  }

  /** Streams bars stored since the last look into every served feed; returns how many. */
  refreshBars(): Promise<number> {
    this.refreshing ??= (async () => {
      try {
        this.catalog = await this.readCatalog();
        let added = 0;
        for (const slot of this.slots.values()) {
          if (slot.state.kind === "served") added += await slot.state.market.refresh(this.catalog);
        }
        return added;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private unknownTicker(ticker: string, served: ServedModel): ForecastError {
    const stored = this.catalog.some((s) => s.ticker === ticker);
    const trained = served.loaded.config.data.tickers.join(", ");
    return stored
      ? new ForecastError(
          "not_trained",
          `${served.id.name}/${served.id.version} was trained on ${trained}, not ${ticker}`,
          "ticker",
        )
      : new ForecastError("unknown_symbol", `no stored bars for ${ticker}; ingest them with \`wsp ingest\``, "ticker");
  }

  async forecast(req: { ticker: string; asof?: string; model?: string }): Promise<Forecast> {
    const start = performance.now();
    const { forecast, cached } = await this.compute(req);
    return { ...forecast, cached, latencyMs: performance.now() - start };
  }

  private async compute(req: {
    ticker: string;
    asof?: string;
    model?: string;
  }): Promise<{ forecast: ComputedForecast; cached: boolean }> {
    const ticker = checkTicker(req.ticker);
    const asof = req.asof === undefined ? Number.POSITIVE_INFINITY : parseAsof(req.asof);
    const slot = await this.slotOf(req.model === undefined ? this.defaultRequest : parseModelRequest(req.model));
    const state = slot.state;
    if (state.kind === "none") throw new ForecastError("no_model", state.reason);
    const feed = state.market.feedOf(ticker);
    if (!feed) throw this.unknownTicker(ticker, state.served);
    // An asof past the last streamed bar may name a bar stored since the last poll.
    if (Number.isFinite(asof) && asof > feed.lastTs) await this.refreshBars();
    const barTs = feed.barAtOrBefore(asof);
    if (barTs === null) {
      throw req.asof === undefined
        ? new ForecastError(
            "unknown_symbol",
            `${ticker} has no bar to forecast yet: its bars, or the context series they read, are not stored that far`,
            "ticker",
          )
        : new ForecastError("bad_request", `asof: ${req.asof} is before ${ticker}'s first served bar`, "asof");
    }
    const key = `${state.served.id.name}/${state.served.id.version}|${ticker}|${barTs}`;
    // The alias is the slot's now: the same version may be served as champion, then as previous.
    const hit = this.cache.get(key);
    if (hit) return { forecast: { ...hit, model: state.served.id }, cached: true };
    let computing = this.pending.get(key);
    if (!computing) {
      computing = this.computeAndStore(state.served, () => forecastAt(state.served, feed, barTs)).finally(() =>
        this.pending.delete(key),
      );
      this.pending.set(key, computing);
    }
    const forecast = await computing;
    this.remember(key, forecast);
    return { forecast: { ...forecast, model: state.served.id }, cached: false };
  }

  private async computeAndStore(served: ServedModel, make: () => ForecastDetail): Promise<ComputedForecast> {
    const detail = make();
    if (this.opts.storeSignals ?? true) {
      let insert: SignalInsert;
      try {
        insert = await this.opts.store.insertSignal(signalOf(served, detail));
      } catch (err) {
        throw new ForecastError("unavailable", `the signal could not be stored: ${(err as Error).message}`);
      }
      this.opts.onSignalStored?.(insert);
    }
    return detail.forecast;
  }

  private remember(key: string, forecast: ComputedForecast): void {
    this.cache.set(key, forecast);
    const max = this.opts.cacheSize ?? 100_000;
    if (this.cache.size > max) this.cache.delete(this.cache.keys().next().value as string);
  }

  /** The tickers a model was trained on (the default model when none is named). */
  async tickersOf(model?: string): Promise<string[]> {
    const slot = await this.slotOf(model === undefined ? this.defaultRequest : parseModelRequest(model));
    if (slot.state.kind === "none") throw new ForecastError("no_model", slot.state.reason);
    return slot.state.market.tickers;
  }

  /**
   * Many tickers at once; one ticker's error does not fail the others. Up to BATCH_CONCURRENCY
   * run at a time, so the signal inserts' round trips overlap (the computing is synchronous).
   */
  async forecastBatch(req: { tickers: readonly string[]; asof?: string; model?: string }): Promise<BatchForecast> {
    const results: (Forecast | { ticker: string; code: ForecastErrorCode; message: string })[] = [];
    let next = 0;
    const worker = async () => {
      while (next < req.tickers.length) {
        const k = next++;
        const ticker = req.tickers[k];
        try {
          results[k] = await this.forecast({ ticker, asof: req.asof, model: req.model });
        } catch (err) {
          if (!(err instanceof ForecastError) || err.code === "no_model" || err.code === "unavailable") throw err;
          results[k] = { ticker, code: err.code, message: err.message };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, req.tickers.length) }, worker));
    const out: BatchForecast = { forecasts: [], errors: [] };
    for (const r of results) {
      if ("code" in r) out.errors.push(r);
      else out.forecasts.push(r);
    }
    return out;
  }

  /** Stored signals, newest first; `to` is inclusive here (the HTTP query's), exclusive in the store. */
  signals(q: Omit<SignalQuery, "to"> & { to?: number }): Promise<SignalPage> {
    return this.opts.store.listSignals({ ...q, to: q.to === undefined ? undefined : q.to + 1 });
  }

  /** The registry's aliases and the store's new bars, read now (`POST /v1/admin/reload`). */
  async reload(): Promise<{ model: ServedModel["id"] | null; newBars: number }> {
    await this.checkRegistry();
    return { model: this.served(), newBars: await this.refreshBars() };
  }

  /** Model loaded, store reachable: what `/ready` reports. */
  async readiness(): Promise<{ ready: boolean; checks: Record<string, { ok: boolean; detail: string }> }> {
    const slot = this.slots.get(modelRequestText(this.defaultRequest));
    const state = slot?.state;
    const model =
      state?.kind === "served"
        ? {
            ok: true,
            detail: `${state.served.id.name}/${state.served.id.version} (${state.market.tickers.join(", ")})`,
          }
        : { ok: false, detail: state?.reason ?? "not loaded" };
    let store: { ok: boolean; detail: string };
    try {
      const n = (await this.opts.store.listSeries()).length;
      store = { ok: true, detail: `${this.opts.store.backend} ${this.opts.store.location}: ${n} series` };
    } catch (err) {
      store = { ok: false, detail: (err as Error).message };
    }
    return { ready: model.ok && store.ok, checks: { model, store } };
  }

  /** The monitoring page's data for the default model's version served now. */
  async monitor(): Promise<MonitorData> {
    const slot = await this.slotOf(this.defaultRequest);
    if (slot.state.kind === "none") throw new ForecastError("no_model", slot.state.reason);
    const { id, loaded } = slot.state.served;
    try {
      return await monitorData({
        store: this.opts.store,
        client: this.opts.client,
        model: { name: id.name, version: id.version, alias: id.alias },
        dashboardUrl: this.opts.dashboardUrl,
        // The config the version is served with: no second read of the run's artifacts per page.
        context: id.runId === null ? undefined : { loaded, runId: id.runId },
      });
    } catch (err) {
      throw unavailable(err);
    }
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
  }
}

function signalOf(served: ServedModel, d: ForecastDetail): NewSignal {
  const f = d.forecast;
  return {
    symbol: f.ticker,
    signalType: f.signal,
    confidence: f.probabilities[f.direction],
    targetPrice: f.takeProfit,
    stopLoss: f.stopLoss,
    positionSize: f.positionSize,
    reasoning: d.reasoning,
    modelName: served.id.name,
    modelVersion: served.id.version,
    barTs: d.barTs,
    features: d.features,
    featureHash: f.featureHash,
    probabilities: { ...f.probabilities },
    regime: f.regime.name,
    expiresAt: Date.parse(f.expiresAt),
  };
}
