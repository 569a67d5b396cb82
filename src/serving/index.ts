/** Public surface of serving: the forecast service's HTTP server, its tokens and the service contract it calls. */
export {
  buildServer,
  DEFAULT_BODY_LIMIT,
  DEFAULT_HOST,
  DEFAULT_MAX_BATCH_TICKERS,
  DEFAULT_PORT,
  DEFAULT_RATE_LIMIT,
  type RunningServer,
  ServerConfigError,
  type ServerOptions,
  startServer,
} from "./server";
export {
  type Principal,
  type Scope,
  SCOPES,
  TOKENS_ENV,
  TOKENS_FILE_ENV,
  TokenConfigError,
  type TokenEntry,
  TokenSet,
  tokensFromEnv,
  tokensFromFile,
} from "./auth";
export type {
  BatchItemError,
  ForecastBatchRequest,
  ForecastBatchResult,
  ForecastRequest,
  ForecastService,
  Readiness,
  ReadinessCheck,
  SignalStatus,
  SignalsPage,
  SignalsQuery,
} from "./forecastService";
export { type ErrorBody, type HttpErrorCode, PROMOTE_HINT, STATUS_OF } from "./httpErrors";
export type { LoggerSetting } from "./logging";
export { announceRegistryChange, registryChannel, watchRegistryChanges } from "./registryChanges";
export { type RunningService, type ServeOptions, serveForecasts } from "./serveForecasts";
