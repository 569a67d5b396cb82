/**
 * The service's Prometheus metrics, in a Registry of its own per server (two servers in one
 * process, as in the tests, count apart; prom-client's global registry would mix them):
 *
 * - `wsp_forecast_duration_seconds{route}`: time of each forecast call to the service, single or
 *   batch; buckets from 0.5 ms (an answer from memory) to 1 s (a cold model and store). A large
 *   batch may pass 1 s and land in +Inf only.
 * - `wsp_forecasts_total{model,version,cached}`: forecasts answered, batch items included.
 * - `wsp_forecast_batch_item_errors_total{code}`: tickers a batch answered with an error (the
 *   request itself succeeded, so these are not HTTP errors).
 * - `wsp_http_errors_total{code,status}`: error responses, by the error body's code and status.
 * - the default process metrics (CPU, memory, event loop lag, GC, handles), prefixed `wsp_`.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import type { Forecast, ForecastErrorCode } from "../pipeline";
import type { HttpErrorCode } from "./httpErrors";

const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export type ForecastRoute = "single" | "batch";

export class ServingMetrics {
  readonly registry = new Registry();
  private readonly duration = new Histogram({
    name: "wsp_forecast_duration_seconds",
    help: "Time of each forecast call to the forecast service, by route",
    labelNames: ["route"] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  private readonly forecasts = new Counter({
    name: "wsp_forecasts_total",
    help: "Forecasts answered, by registered model name and version and whether answered from memory",
    labelNames: ["model", "version", "cached"] as const,
    registers: [this.registry],
  });
  private readonly batchItemErrors = new Counter({
    name: "wsp_forecast_batch_item_errors_total",
    help: "Tickers a batch request answered with an error, by code",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: "wsp_http_errors_total",
    help: "Error responses, by error code and HTTP status",
    labelNames: ["code", "status"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "wsp_" });
  }

  /** Runs `call`, timing it under `route` (failed calls too: a slow failure is still slow). */
  async timed<T>(route: ForecastRoute, call: () => Promise<T>): Promise<T> {
    const end = this.duration.startTimer({ route });
    try {
      return await call();
    } finally {
      end();
    }
  }

  countForecasts(forecasts: readonly Forecast[]): void {
    for (const f of forecasts) {
      this.forecasts.inc({ model: f.model.name, version: f.model.version, cached: String(f.cached) });
    }
  }

  countBatchItemErrors(errors: readonly { code: ForecastErrorCode }[]): void {
    for (const e of errors) this.batchItemErrors.inc({ code: e.code });
  }

  countError(code: HttpErrorCode, status: number): void {
    this.errors.inc({ code, status: String(status) });
  }
}
