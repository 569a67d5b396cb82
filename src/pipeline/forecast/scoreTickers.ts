/**
 * Scores tickers with a registered model as of their latest stored bar (or `asof`) and stores
 * the signals: the `forecast` job after the close, and `wsp forecast --all`. A forecaster of its
 * own, opened and closed for the call, with no polling.
 */
import { openStore, type Store } from "../../store";
import { MlflowClient } from "../../tracking";
import { type BatchForecast, Forecaster } from "./forecaster";
import type { ForecastModel, SignalSide } from "./forecastTypes";

export interface ScoreRequest {
  /** `name` (its champion), `name@alias` or `name/version`. */
  model: string;
  /** Default: every ticker the model was trained on. */
  tickers?: string[];
  asof?: string;
}

export interface ScoreOptions {
  trackingUri: string;
  /** An open store (left open); else one is opened (DATABASE_URL, else PGlite) and closed after. */
  store?: Store;
  dataDir?: string;
  /** Told after each ticker: a job's progress. */
  onTicker?: (done: number, total: number) => void;
}

export interface ScoreResult extends BatchForecast {
  /** The version that scored (null: none was served, which fails before any ticker). */
  model: ForecastModel | null;
  /** Signals this call stored; 0 on a rerun over the same bars and version (one per ticker, bar and version). */
  newSignals: number;
}

export async function scoreTickers(req: ScoreRequest, opts: ScoreOptions): Promise<ScoreResult> {
  const store = opts.store ?? (await openStore());
  let newSignals = 0;
  try {
    const client = new MlflowClient({ trackingUri: opts.trackingUri, retries: 3, backoffMs: 200 });
    const forecaster = await Forecaster.open({
      store,
      client,
      model: req.model,
      pollMs: 0,
      refreshMs: 0,
      dataDir: opts.dataDir,
      onSignalStored: (insert) => {
        if (insert.inserted) newSignals++;
      },
    });
    try {
      const tickers = req.tickers ?? (await forecaster.tickersOf());
      const out: BatchForecast = { forecasts: [], errors: [] };
      for (const [i, ticker] of tickers.entries()) {
        const one = await forecaster.forecastBatch({ tickers: [ticker], asof: req.asof });
        out.forecasts.push(...one.forecasts);
        out.errors.push(...one.errors);
        opts.onTicker?.(i + 1, tickers.length);
      }
      return { ...out, model: forecaster.served(), newSignals };
    } finally {
      forecaster.close();
    }
  } finally {
    if (!opts.store) await store.close();
  }
}

/** A scoring's outcome in a few numbers: what a `forecast` job keeps in Redis (the signals are in the store). */
export interface ScoreSummary {
  model: ForecastModel | null;
  tickers: number;
  forecasts: number;
  newSignals: number;
  /** Forecasts by signal side. */
  signals: Record<SignalSide, number>;
  /** The bars scored, first and last open time (ISO 8601); null when none was. */
  bars: { from: string; to: string } | null;
  errors: ScoreResult["errors"];
}

export function summarizeScore(r: ScoreResult): ScoreSummary {
  const signals: Record<SignalSide, number> = { long: 0, short: 0, none: 0 };
  for (const f of r.forecasts) signals[f.signal]++;
  // ISO 8601 instants in UTC sort as text.
  const times = r.forecasts.map((f) => f.barTime).sort();
  return {
    model: r.model,
    tickers: r.forecasts.length + r.errors.length,
    forecasts: r.forecasts.length,
    newSignals: r.newSignals,
    signals,
    bars: times.length > 0 ? { from: times[0], to: times[times.length - 1] } : null,
    errors: r.errors,
  };
}
