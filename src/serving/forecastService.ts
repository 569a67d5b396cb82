/**
 * What the HTTP routes call. The routes validate a request, call one of these methods and map a
 * thrown ForecastError to its status (httpErrors.ts); everything about forecasting (which model,
 * which bars, caching) is the implementation's, built in src/pipeline. A method that fails for the
 * whole request throws a ForecastError; a batch reports per-ticker failures in `errors` instead.
 */
import type { Forecast, ForecastErrorCode, ForecastModel, MonitorData } from "../pipeline";

export interface ForecastRequest {
  readonly ticker: string;
  /** ISO 8601 date or date-time with a zone, as the client sent it (the routes check its form only). */
  readonly asof?: string;
  /** A model reference as the client sent it; the service says (bad_request, field `model`) when it cannot read it. */
  readonly model?: string;
}

export interface ForecastBatchRequest {
  /** Distinct tickers, at least one (the routes refuse duplicates and cap the count). */
  readonly tickers: readonly string[];
  readonly asof?: string;
  readonly model?: string;
}

export interface BatchItemError {
  readonly ticker: string;
  readonly code: ForecastErrorCode;
  readonly message: string;
}

export interface ForecastBatchResult {
  readonly forecasts: readonly Forecast[];
  readonly errors: readonly BatchItemError[];
}

export const SIGNAL_STATUSES = ["open", "expired", "executed", "all"] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

export interface SignalsQuery {
  readonly ticker?: string;
  /** Epoch ms, inclusive. */
  readonly from?: number;
  /** Epoch ms, inclusive; never before `from`. */
  readonly to?: number;
  readonly status?: SignalStatus;
  readonly limit?: number;
  /** The `next` of the previous page; null or absent for the first. */
  readonly cursor?: string | null;
}

export interface SignalsPage {
  /** The signal records, as the service stores them (the HTTP layer passes them through). */
  readonly signals: readonly unknown[];
  /** Cursor of the next page; null on the last. */
  readonly next: string | null;
}

export interface ReadinessCheck {
  readonly ok: boolean;
  readonly detail: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
}

export interface ForecastService {
  forecast(req: ForecastRequest): Promise<Forecast>;
  forecastBatch(req: ForecastBatchRequest): Promise<ForecastBatchResult>;
  signals(q: SignalsQuery): Promise<SignalsPage>;
  /** Readiness: model loaded, store reachable; each check with a detail. */
  readiness(): Promise<Readiness>;
  /** Re-reads the registry's aliases and the store's new bars now; returns the default model served after. */
  reload(): Promise<{ model: ForecastModel | null; newBars: number }>;
  /** The monitoring page's data for the default model (no_model when none is served). */
  monitor(): Promise<MonitorData>;
}
