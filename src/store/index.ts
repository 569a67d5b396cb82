/** The operational store: bars, ingest/validation runs, trading signals, their outcomes and drift checks in PostgreSQL or the embedded PGlite. */
export { maskUrl } from "./connectionUrl";
export { MIGRATIONS, type Migration } from "./migrations";
export { DEFAULT_PGLITE_DIR, type OpenStoreOptions, openStore } from "./openStore";
export type {
  IngestOptions,
  IngestResult,
  NewRun,
  RunKind,
  RunRecord,
  RunStatus,
  SeriesInfo,
  Store,
  StoreBackend,
  TimeRange,
} from "./store";
export { DEFAULT_SIGNAL_LIMIT, MAX_SIGNAL_LIMIT } from "./signalCheck";
export type {
  NewSignal,
  SignalInsert,
  SignalPage,
  SignalPerformance,
  SignalQuery,
  SignalRecord,
  SignalStatus,
  SignalType,
} from "./signalTypes";
export { StoreError, type StoreErrorCode } from "./storeError";
export { MAX_OUTCOME_LIMIT } from "./monitoringCheck";
export type {
  AccuracyBand,
  DriftCheckQuery,
  DriftCheckRecord,
  DriftVerdict,
  NewDriftCheck,
  NewSignalOutcome,
  OutcomeQuery,
  RealizedLabel,
  SignalOutcome,
  VersionSignalQuery,
  UnevaluatedQuery,
} from "./monitoringTypes";
export {
  type CheckedSeries,
  checkForIngest,
  type IngestCheckedOptions,
  ingestChecked,
  type LoadProgress,
  loadSeriesInputs,
  type SeriesInputs,
  type ValidationSummary,
  validationSummary,
} from "./ingestData";
