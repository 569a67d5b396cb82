/** Public surface of tracking: the typed MLflow REST client, the recorder. */
export * from "./types";
export * from "./mlflowError";
export * from "./logBatchChunks";
export * from "./mlflowClient";
export { type MlflowClientOptions, proxiedArtifactRoot, wireValue } from "./mlflowTransport";
export * from "./flattenParams";
export * from "./outbox";
export * from "./outboxReplay";
export * from "./trials";
export * from "./recorder";
export * from "./syncOutbox";
export * from "./abandonedRuns";
export * from "./registry";
export * from "./holdoutLedger";
export * from "./promotion";
export * from "./loadModelArtifact";
export * from "./jobRuns";
