/**
 * The forecast routes: validate (the zod schemas, routeSchemas.ts), call the service, count. A
 * thrown ForecastError becomes its status in the server's error handler.
 */
import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import type { ForecastService } from "./forecastService";
import type { ServingMetrics } from "./metrics";
import {
  errorResponse,
  forecastBatchBody,
  forecastBatchResponse,
  forecastBody,
  forecastResponse,
  reloadResponse,
  signalsQuery,
  signalsResponse,
} from "./routeSchemas";
import { jsonSchema } from "./zodRoutes";

/** The error statuses a forecast route can answer, for the docs. */
const FORECAST_ERRORS = [400, 401, 403, 404, 413, 422, 429, 500, 503] as const;

export const BEARER_SECURITY = [{ bearer: [] }];

/** What each error status means, as the docs say it. */
const ERROR_STATUS_MEANING: Readonly<Record<number, string>> = {
  400: "A malformed request; `field` names the part at fault",
  401: "No bearer token, or an unknown one",
  403: "The token lacks the route's scope",
  404: "unknown_symbol: no stored bars for the ticker",
  413: "The body is larger than the server's limit",
  422: "not_trained: the model was not trained on the ticker",
  429: "The token's rate limit is spent; Retry-After says when to retry",
  500: "An internal error; the message names the request id to find it in the log",
  503: "no_model (no version to serve; promote one with `wsp promote <run-id>`) or unavailable (store or registry unreachable)",
};

export function errorResponses(statuses: readonly number[]): Record<number, Record<string, unknown>> {
  return Object.fromEntries(
    statuses.map((s) => [s, { ...jsonSchema(errorResponse, "output"), description: ERROR_STATUS_MEANING[s] }]),
  );
}

export function registerForecastRoutes(
  app: FastifyInstance,
  service: ForecastService,
  metrics: ServingMetrics,
  maxBatchTickers: number,
): void {
  app.post<{ Body: z.output<typeof forecastBody> }>(
    "/v1/forecast",
    {
      config: { scope: "forecast" },
      schema: {
        summary: "Forecast one ticker",
        description: "Needs scope forecast (or admin).",
        tags: ["forecast"],
        security: BEARER_SECURITY,
        body: jsonSchema(forecastBody, "input"),
        response: { 200: jsonSchema(forecastResponse, "output"), ...errorResponses(FORECAST_ERRORS) },
      },
    },
    async (req) => {
      const forecast = await metrics.timed("single", () => service.forecast(req.body));
      metrics.countForecasts([forecast]);
      return forecast;
    },
  );

  const batchBody = forecastBatchBody(maxBatchTickers);
  app.post<{ Body: z.output<typeof batchBody> }>(
    "/v1/forecast/batch",
    {
      config: { scope: "forecast" },
      schema: {
        summary: "Forecast several tickers",
        description:
          `Up to ${maxBatchTickers} distinct tickers. A ticker that cannot be forecast is listed under ` +
          "errors; a failure of the whole request (no model, store unreachable) is an error status. " +
          "Needs scope forecast (or admin).",
        tags: ["forecast"],
        security: BEARER_SECURITY,
        body: jsonSchema(batchBody, "input"),
        response: { 200: jsonSchema(forecastBatchResponse, "output"), ...errorResponses(FORECAST_ERRORS) },
      },
    },
    async (req) => {
      const result = await metrics.timed("batch", () => service.forecastBatch(req.body));
      metrics.countForecasts(result.forecasts);
      metrics.countBatchItemErrors(result.errors);
      return result;
    },
  );

  app.get<{ Querystring: z.output<typeof signalsQuery> }>(
    "/v1/signals",
    {
      config: { scope: "read" },
      schema: {
        summary: "List signals",
        description:
          "A page at a time; pass `next` as `cursor` for the next. Needs scope read (or forecast, or admin).",
        tags: ["signals"],
        security: BEARER_SECURITY,
        querystring: jsonSchema(signalsQuery, "input"),
        response: { 200: jsonSchema(signalsResponse, "output"), ...errorResponses([400, 401, 403, 429, 500, 503]) },
      },
    },
    async (req) => service.signals(req.query),
  );

  app.post(
    "/v1/admin/reload",
    {
      config: { scope: "admin" },
      schema: {
        summary: "Re-read the registry and the store now",
        description:
          "Swaps in the version an alias now names (the service also polls, and hears promote and retrain jobs) " +
          "and streams bars stored since the last look. Needs scope admin.",
        tags: ["admin"],
        security: BEARER_SECURITY,
        response: { 200: jsonSchema(reloadResponse, "output"), ...errorResponses([401, 403, 429, 500, 503]) },
      },
    },
    async () => service.reload(),
  );
}
