/**
 * Scores tickers with a registered model as of their latest stored bar (or `asof`) and stores
 * the signals: the `forecast` job after the close, and `wsp forecast --all`. A forecaster of its
 * own, opened and closed for the call, with no polling.
 */
import { openStore, type Store } from "../../store";
import { MlflowClient } from "../../tracking";
import { type BatchForecast, Forecaster } from "./forecaster";

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

export async function scoreTickers(req: ScoreRequest, opts: ScoreOptions): Promise<BatchForecast> {
  const store = opts.store ?? (await openStore());
  try {
    const client = new MlflowClient({ trackingUri: opts.trackingUri, retries: 3, backoffMs: 200 });
    const forecaster = await Forecaster.open({
      store,
      client,
      model: req.model,
      pollMs: 0,
      refreshMs: 0,
      dataDir: opts.dataDir,
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
      return out;
    } finally {
      forecaster.close();
    }
  } finally {
    if (!opts.store) await store.close();
  }
}
