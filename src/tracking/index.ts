/**
 * Public surface of tracking: the typed MLflow REST client, the run recorder and its outbox, the
 * trial ledger, the model registry, the holdout ledger, promotion records and model artifacts.
 */
export type { KeyValue, Metric, Run } from "./types";
export { MlflowError } from "./mlflowError";
export { MlflowClient } from "./mlflowClient";
export { type MlflowClientOptions, proxiedArtifactRoot, wireValue } from "./mlflowTransport";
export { flattenParams, MAX_TAG_VALUE_LENGTH } from "./flattenParams";
export { listOutboxRuns, OutboxRun } from "./outbox";
export {
  ledgerStats,
  type LedgerStats,
  readLedger,
  trialCount,
  trialEntry,
  type TrialEntry,
  trialKey,
  type TrialLedger,
  writeTrials,
  experimentLedger,
} from "./trials";
export { type LogModelInput, openRecorder, Recorder, RunRecorder } from "./recorder";
export { syncOutbox } from "./syncOutbox";
export { type AbandonedSweep, describeAbandoned, endAbandonedRuns } from "./abandonedRuns";
export { findRunLoggedModel, ModelRegistry, tagRecord } from "./registry";
export { HOLDOUT_END_TAG, holdoutLedgerOf, holdoutWindowOf, holdoutWindowTags } from "./holdoutLedger";
export {
  failedRunChecks,
  promotionSettingsOf,
  promotionTarget,
  readEvidence,
  recordPromotion,
  registeredNameOf,
  registryStanding,
  RUN_TAGS,
  runStanding,
} from "./promotion";
export { type ColumnSpec, mlModelFiles } from "./mlmodel";
export { loadModelArtifact, parseModelRef } from "./loadModelArtifact";
export { abandonedJobRunIds, endAbandonedJobRuns, JOB_ID_TAG, jobRunsOf } from "./jobRuns";
export { ledgerOf } from "./trials";
