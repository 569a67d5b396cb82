/**
 * The operator's routes. `/health` (liveness: the process answers) and `/ready` (the service can
 * forecast: model loaded, store reachable) take no token and no rate limit, as orchestrators probe
 * them unauthenticated and often. `/metrics` needs scope `read`: the counts reveal which models
 * serve and how busy the service is, not for the world, yet a scraper should not need a token
 * that can forecast or administer, and `read` is the least scope there is.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { BEARER_SECURITY, errorResponses } from "./forecastRoutes";
import type { ForecastService, Readiness } from "./forecastService";
import type { ServingMetrics } from "./metrics";
import { healthResponse, readinessResponse } from "./routeSchemas";
import { jsonSchema } from "./zodRoutes";

export function registerOpsRoutes(app: FastifyInstance, service: ForecastService, metrics: ServingMetrics): void {
  const startedAt = performance.now();
  app.get(
    "/health",
    {
      config: { rateLimit: false },
      schema: {
        summary: "Liveness",
        description: "200 while the process answers; no token.",
        tags: ["operations"],
        response: { 200: jsonSchema(healthResponse, "output") },
      },
    },
    async () => ({ status: "ok" as const, uptimeSeconds: (performance.now() - startedAt) / 1000 }),
  );

  app.get(
    "/ready",
    {
      config: { rateLimit: false },
      schema: {
        summary: "Readiness",
        description: "200 when every check passes, else 503 with the checks; no token.",
        tags: ["operations"],
        response: { 200: jsonSchema(readinessResponse, "output"), 503: jsonSchema(readinessResponse, "output") },
      },
    },
    async (req, reply) => {
      const readiness = await readinessOf(service, req);
      return reply.code(readiness.ready ? 200 : 503).send(readiness);
    },
  );

  app.get(
    "/metrics",
    {
      config: { scope: "read" },
      schema: {
        summary: "Prometheus metrics",
        description: "Prometheus text format. Needs scope read (or forecast, or admin).",
        tags: ["operations"],
        security: BEARER_SECURITY,
        response: {
          200: {
            description: "Prometheus text format 0.0.4",
            content: { "text/plain": { schema: { type: "string" } } },
          },
          ...errorResponses([401, 403, 429]),
        },
      },
    },
    async (_req, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}

/**
 * The service's readiness; a check that throws is itself a failed check, not a 500. Its message
 * stays in the log: /ready answers anyone.
 */
async function readinessOf(service: ForecastService, req: FastifyRequest): Promise<Readiness> {
  try {
    return await service.readiness();
  } catch (err) {
    req.log.error({ err }, "the readiness check threw");
    const detail = `the check threw; the server log has it under request id ${req.id}`;
    return { ready: false, checks: { readiness: { ok: false, detail } } };
  }
}
