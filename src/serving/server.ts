/**
 * The forecast service's HTTP server (issue 17). buildServer puts the pieces together without
 * listening (a test or a CLI command decides where); startServer listens.
 *
 * Every request passes, in this order: the request id (echoed as `x-request-id`), the token
 * check (auth.ts, authHook.ts), the per-token rate limit, the body limit and the zod validation
 * (routeSchemas.ts), then a route that calls the ForecastService. Any error ends in one handler
 * that answers `{ error: { code, message, field? } }` (httpErrors.ts, errorMapping.ts).
 */
import type { AddressInfo } from "node:net";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import { type Access, authHook, isLoopback } from "./authHook";
import { type TokenSet, tokensFromEnv } from "./auth";
import { mapError } from "./errorMapping";
import { registerForecastRoutes } from "./forecastRoutes";
import type { ForecastService } from "./forecastService";
import { ApiError } from "./httpErrors";
import { type LoggerSetting, loggerOptions, REQUEST_ID_HEADER, requestIdOf } from "./logging";
import { ServingMetrics } from "./metrics";
import { registerMonitorRoutes } from "./monitorRoutes";
import { registerOpsRoutes } from "./opsRoutes";
import { jsonSerializerCompiler, zodValidatorCompiler } from "./zodRoutes";

export const DEFAULT_RATE_LIMIT = { max: 6000, windowMs: 60_000 } as const;
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_MAX_BATCH_TICKERS = 1000;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 3040;

export interface ServerOptions {
  /** What the routes call. */
  service: ForecastService;
  /** Who may call; default the tokens WSP_API_TOKENS or WSP_API_TOKENS_FILE configure (auth.ts). */
  tokens?: TokenSet;
  /**
   * Serve without tokens, every caller an admin, loopback clients only: a developer's machine,
   * where asking for a token adds nothing. Only with no tokens configured; without tokens and
   * without this, the server refuses to start, so a forgotten WSP_API_TOKENS never opens the API.
   */
  allowAnonymous?: boolean;
  /** Requests per window per token (per client address on public routes); default 6000 a minute. */
  rateLimit?: { max?: number; windowMs?: number };
  /** Largest request body in bytes; default 1 MiB (a batch of 1000 tickers is about 15 kB). */
  bodyLimit?: number;
  /** pino options, or false for none; default `{ level: "info" }` to stdout. */
  logger?: LoggerSetting;
  /** Most tickers one batch request may name; default 1000. */
  maxBatchTickers?: number;
}

export class ServerConfigError extends Error {
  override readonly name = "ServerConfigError";
}

function accessOf(opts: ServerOptions): Access {
  const tokens = opts.tokens ?? tokensFromEnv();
  if (tokens.size > 0) {
    if (opts.allowAnonymous)
      throw new ServerConfigError("allowAnonymous is for a server without tokens; tokens are configured");
    return { kind: "tokens", tokens };
  }
  if (opts.allowAnonymous === true) return { kind: "anonymous" };
  throw new ServerConfigError(
    "no API tokens: set WSP_API_TOKENS=name:scope1+scope2:token,… or WSP_API_TOKENS_FILE (scopes read, forecast, admin), " +
      "or pass allowAnonymous: true for a loopback-only development server",
  );
}

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const access = accessOf(opts);
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const rate = { ...DEFAULT_RATE_LIMIT, ...opts.rateLimit };
  const metrics = new ServingMetrics();
  const app = Fastify({
    logger: loggerOptions(opts.logger ?? {}),
    bodyLimit,
    genReqId: requestIdOf,
    // genReqId reads and checks the incoming id itself (logging.ts).
    requestIdHeader: false,
  });
  app.decorateRequest("principal", null);
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);

  app.addHook("onRequest", async (req, reply) => {
    reply.header(REQUEST_ID_HEADER, req.id);
  });
  app.addHook("onRequest", authHook(access));
  await app.register(fastifyRateLimit, {
    global: true,
    max: rate.max,
    timeWindow: rate.windowMs,
    keyGenerator: (req) => (req.principal ? `token:${req.principal.name}` : `address:${req.ip}`),
    errorResponseBuilder: (req, ctx) => {
      const who = req.principal ? `token ${req.principal.name}` : `address ${req.ip}`;
      const message = `${who} passed ${ctx.max} requests in ${rate.windowMs / 1000} s; retry in ${ctx.after}`;
      return new ApiError("rate_limited", message);
    },
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "wsp forecast service", version: "1" },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });

  registerForecastRoutes(app, opts.service, metrics, opts.maxBatchTickers ?? DEFAULT_MAX_BATCH_TICKERS);
  registerOpsRoutes(app, opts.service, metrics);
  registerMonitorRoutes(app, opts.service);

  app.setErrorHandler((err, req, reply) => {
    const { error, unexpected } = mapError(err, req.id, bodyLimit);
    if (unexpected) req.log.error({ err }, "request failed");
    else req.log.info({ code: error.code, status: error.statusCode }, error.message);
    metrics.countError(error.code, error.statusCode);
    return reply.code(error.statusCode).headers(error.headers).send(error.body());
  });
  app.setNotFoundHandler((req, reply) => {
    const error = new ApiError("not_found", `no route ${req.method} ${req.url.split("?")[0]}`);
    metrics.countError(error.code, error.statusCode);
    return reply.code(error.statusCode).send(error.body());
  });
  return app;
}

export interface RunningServer {
  /** `http://<host>:<port>`. */
  readonly url: string;
  readonly address: AddressInfo;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** buildServer, listening on `host` (default 127.0.0.1) and `port` (default 3040; 0 lets the OS pick). */
export async function startServer(opts: ServerOptions & { host?: string; port?: number }): Promise<RunningServer> {
  const host = opts.host ?? DEFAULT_HOST;
  if (opts.allowAnonymous && !isLoopbackHost(host)) {
    throw new ServerConfigError(
      `allowAnonymous serves the loopback only; host ${host} is not 127.0.0.1, ::1 or localhost`,
    );
  }
  const app = await buildServer(opts);
  try {
    await app.listen({ host, port: opts.port ?? DEFAULT_PORT });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { url: `http://${shown}:${address.port}`, address, app, close: () => app.close() };
}

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || isLoopback(host);
}
