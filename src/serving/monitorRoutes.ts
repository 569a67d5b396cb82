/**
 * `GET /monitor`: the monitoring page of the served model (issue 18, item 5), one self-contained
 * HTML document built in src/pipeline from what the service's `monitor()` gathers.
 *
 * It needs scope `read`, like the signal listing it summarises. A browser does not send a bearer
 * header by itself, and tokens are never taken from the query string (they would end up in
 * proxy logs, browser history and Referer headers). To open it in a browser, either:
 *
 * - put a reverse proxy in front that adds `Authorization: Bearer <read token>` for the people
 *   it has authenticated (nginx `proxy_set_header Authorization "Bearer …"`), or
 * - on a developer's machine, run `wsp serve --anonymous`: no tokens, loopback clients only.
 */
import type { FastifyInstance } from "fastify";
import { monitorPageHtml } from "../pipeline";
import { BEARER_SECURITY, errorResponses } from "./forecastRoutes";
import type { ForecastService } from "./forecastService";

export function registerMonitorRoutes(app: FastifyInstance, service: ForecastService): void {
  app.get(
    "/monitor",
    {
      config: { scope: "read" },
      schema: {
        summary: "Monitoring page",
        description:
          "HTML: the served model's latest forecasts, rolling accuracy against the bands, PSI per feature by drift " +
          "check, paper equity, and a link to the queue dashboard. Needs scope read (or forecast, or admin); a " +
          "browser gets there through a proxy that adds the bearer header, or a server started with --anonymous.",
        tags: ["operations"],
        security: BEARER_SECURITY,
        response: {
          200: { description: "The page", content: { "text/html": { schema: { type: "string" } } } },
          ...errorResponses([401, 403, 429, 500, 503]),
        },
      },
    },
    async (_req, reply) => {
      const html = monitorPageHtml(await service.monitor());
      // The page inlines plotly (about 3.5 MB); a cache would show stale figures.
      return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
    },
  );
}
