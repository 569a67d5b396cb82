/** Public surface of services: project-local PostgreSQL, Redis and MLflow, `wsp services`, and discovery. */
export { isAlive } from "./detachedProcess";
export { type DiscoveredService, discoverPostgres, discoverRedis } from "./discovery";
export { localRedisUrl, redisServerBinary } from "./localRedis";
export { postgresAnswers, redisAnswers } from "./probes";
export {
  SERVICE_NAMES,
  type ServiceName,
  servicesDown,
  servicesStatus,
  type ServiceStatus,
  servicesUp,
} from "./services";
export {
  DEFAULT_MLFLOW_PORT,
  ensureMlflowServer,
  findRepoRoot,
  isMlflowHealthy,
  type MlflowServerOptions,
  mlflowServerStatus,
  spawnMlflowServer,
  startMlflowServer,
  stopMlflowServer,
  trackingUri,
  waitForMlflowHealth,
} from "./mlflowServer";
