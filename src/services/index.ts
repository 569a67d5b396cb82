/** Public surface of services: project-local PostgreSQL, Redis and MLflow, `wsp services`, and discovery. */
export * from "./detachedProcess";
export * from "./discovery";
export * from "./localPostgres";
export * from "./localRedis";
export * from "./postgresDatabase";
export * from "./probes";
export * from "./services";
export * from "./mlflowServer";
