/**
 * The zod schema of every request and response. Requests are validated with them (zodRoutes.ts)
 * and the OpenAPI document is generated from them, so the docs cannot drift from what the routes
 * accept. Schema-level messages are the ones a client reads after the field name
 * (`asof: expected an ISO date …`); the generic ones are in zodRoutes.ts.
 */
import { z } from "zod";
import { tickerProblem } from "../data";
import type { Forecast } from "../pipeline";
import { type ForecastBatchResult, SIGNAL_STATUSES } from "./forecastService";
import { FORECAST_ERROR_CODES, HTTP_ERROR_CODES } from "./httpErrors";
import { ISO_INSTANT_FORM, parseIsoInstant } from "./isoInstant";

const ticker = z
  .string()
  .superRefine((t, ctx) => {
    const problem = tickerProblem(t);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .meta({ description: "A stored symbol, e.g. SPY", example: "SPY" });

const instantText = z.string().refine((t) => parseIsoInstant(t) !== null, { error: `expected ${ISO_INSTANT_FORM}` });

const asof = instantText.meta({
  description: "Forecast from the latest bar at or before this instant; default: the latest stored bar",
  example: "2024-01-31",
});

const MODEL_REFERENCE = /^[^\s\p{Cc}]{1,200}$/u;

// A refinement, not .regex(): the pattern's \p{…} would reach the OpenAPI document, whose regex dialect lacks it.
const model = z
  .string()
  .refine((m) => MODEL_REFERENCE.test(m), { error: "expected a model reference: 1 to 200 characters, no spaces" })
  .meta({ description: "Registered model to ask (name, name@alias or name/version); default: the champion" });

export const forecastBody = z.strictObject({ ticker, asof: asof.optional(), model: model.optional() });

/** The batch body; `maxTickers` is the server's batch cap. */
export function forecastBatchBody(maxTickers: number) {
  const tickers = z
    .array(ticker)
    .min(1, { error: "expected at least one ticker" })
    .max(maxTickers, {
      error: (iss) => `at most ${maxTickers} tickers per request, got ${(iss.input as unknown[]).length}`,
    })
    .superRefine((list, ctx) => {
      const first = new Map<string, number>();
      list.forEach((t, i) => {
        const j = first.get(t);
        if (j === undefined) first.set(t, i);
        else ctx.addIssue({ code: "custom", path: [i], message: `duplicate of tickers[${j}] (${t})` });
      });
    });
  return z.strictObject({ tickers, asof: asof.optional(), model: model.optional() });
}

const SIGNALS_DEFAULT_LIMIT = 100;
const SIGNALS_MAX_LIMIT = 1000;
const LIMIT_FORM = `expected a whole number from 1 to ${SIGNALS_MAX_LIMIT}`;

const instantMs = instantText.transform((t) => parseIsoInstant(t) as number);

export const signalsQuery = z
  .strictObject({
    ticker: ticker.optional(),
    from: instantMs.optional().meta({ description: `Earliest signal time, inclusive: ${ISO_INSTANT_FORM}` }),
    to: instantMs.optional().meta({ description: `Latest signal time, inclusive: ${ISO_INSTANT_FORM}` }),
    status: z
      .enum(SIGNAL_STATUSES, { error: `expected one of ${SIGNAL_STATUSES.join(", ")}` })
      .default("all")
      .meta({ description: "Which signals; default all" }),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, { error: LIMIT_FORM })
      .transform(Number)
      .pipe(z.number().min(1, { error: LIMIT_FORM }).max(SIGNALS_MAX_LIMIT, { error: LIMIT_FORM }))
      .default(SIGNALS_DEFAULT_LIMIT)
      .meta({ description: `Page size, 1 to ${SIGNALS_MAX_LIMIT}; default ${SIGNALS_DEFAULT_LIMIT}` }),
    cursor: z
      .string()
      .min(1)
      .max(512, { error: "expected the `next` of a previous page" })
      .optional()
      .meta({ description: "The `next` of the previous page; absent for the first" }),
  })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.to < q.from) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "before from; expected from ≤ to" });
    }
  });

const forecastModel = z.object({
  name: z.string(),
  version: z.string(),
  alias: z.string().nullable(),
  runId: z.string().nullable(),
});

/** Forecast as the routes answer it; `satisfies` keeps it in step with pipeline's Forecast. */
export const forecastResponse = z.object({
  ticker: z.string(),
  model: forecastModel,
  barTime: z.string(),
  probabilities: z.record(z.string(), z.number()),
  direction: z.enum(["up", "down", "flat"]),
  signal: z.enum(["long", "short", "none"]),
  positionSize: z.number(),
  stopLoss: z.number().nullable(),
  takeProfit: z.number().nullable(),
  regime: z.object({ scheme: z.string(), name: z.string().nullable() }),
  featureHash: z.string(),
  expiresAt: z.string(),
  cached: z.boolean(),
  latencyMs: z.number(),
}) satisfies z.ZodType<Forecast>;

export const forecastBatchResponse = z.object({
  forecasts: z.array(forecastResponse),
  errors: z.array(
    z.object({
      ticker: z.string(),
      code: z.enum(FORECAST_ERROR_CODES),
      message: z.string(),
    }),
  ),
}) satisfies z.ZodType<ForecastBatchResult>;

export const reloadResponse = z.object({
  model: forecastModel.nullable().meta({ description: "The default model served after the reload; null: none" }),
  newBars: z.number().int().meta({ description: "Bars stored since the last look, now streamed" }),
});

export const signalsResponse = z.object({
  signals: z.array(z.unknown()),
  next: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last" }),
});

export const errorResponse = z.object({
  error: z.object({
    code: z.enum(HTTP_ERROR_CODES),
    message: z.string(),
    field: z.string().optional().meta({ description: "The request field at fault, for 400" }),
  }),
});

export const healthResponse = z.object({ status: z.literal("ok"), uptimeSeconds: z.number() });

export const readinessResponse = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string() })),
});
