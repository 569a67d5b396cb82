/** Public surface of tracking: the local MLflow server and the typed MLflow REST client. */
export * from "./types";
export * from "./mlflowError";
export * from "./logBatchChunks";
export * from "./mlflowClient";
export * from "./mlflowServer";
