/**
 * Public surface of the pipeline: the experiment config, the runner by phases and its record
 * steps, tracked runs, panels, promotion and registered models.
 */
export {
  type ConfigBlocks,
  ConfigError,
  loadConfigBlocks,
  loadConfigFile,
  type LoadedConfig,
  parseConfig,
  trialConfigHash,
  validateConfig,
} from "./config";
export { checkModelKinds, checkModels, createModel } from "./modelFactory";
export { type Scores, scoreProbabilities } from "./classificationMetrics";
export { type PromoteOptions, type PromotionResult, promoteRun } from "./promote";
export { type Panel, panelPlan, stackPanel, type TickerInput } from "./panel";
export { dsrOnBasis, type ExperimentResult, PHASES, runExperiment, runPhases } from "./runExperiment";
export type { RunHooks } from "./experimentResult";
export { experimentSummary, experimentFigures, reportHtml } from "./experimentReport";
export { type TrackedRun, type TrackOptions, runTracked, runUrlOf } from "./trackExperiment";
export { RECORD_STEPS, type RecordStep, type Recording, recordRun } from "./recordSteps";
export {
  type CalibrationArtifact,
  calibrationArtifact,
  type LoadedCalibration,
  parseCalibrationArtifact,
} from "./calibrationArtifact";
export { loadRegisteredModel, type RegisteredModel, type RegisteredModelMember } from "./loadRegisteredModel";
export * from "./scheduleConfig";
export * from "./forecastScheduleConfig";
export * from "./driftScheduleConfig";
export {
  listPromotedConfigs,
  PROMOTED_DIR,
  promotedDir,
  type PromotedConfig,
  parsePromotedConfig,
  type PromotedSchedules,
  promotedPath,
  readPromotedConfig,
  removePromotedConfig,
  type ScheduleBlock,
  setPromotedPaused,
  SWEEP_ID_TAG,
  writePromotedConfig,
} from "./promotedConfig";
export { forwardComparison, selectedHoldoutProbs } from "./forwardWindow";
export { type RetrainOptions, type RetrainOutcome, type RetrainResult, retrain } from "./retrain";
export { type StoreChoice, type StoreQuery, storeQuery, withStoreQuery } from "./storeSource";
export {
  BacktestBlockError,
  backtestModel,
  type ModelBacktestOptions,
  type ModelBacktestResult,
  type ModelBacktestSpec,
  type ModelBacktestSpecInput,
  modelBacktestSchema,
} from "./backtestModel";
export { type SweepConfig, sweepConfigSchema, SWEEP_VARIANT_LIMIT } from "./sweep/sweepConfig";
export { expandSweep, parseSweepPath, SWEEP_TAGS, type SweepPlan, type SweepVariant } from "./sweep/expandSweep";
export { type RankedVariant, type SweepSelection, selectSweep } from "./sweep/selectSweep";
export { type SweepRecord, sweepSummary, variantTable } from "./sweep/sweepRun";
export {
  runSweep,
  type SelectOptions,
  type SweepJobResult,
  type SweepOutcome,
  selectAndRecord,
  sweepJobResult,
} from "./sweep/runSweep";
export { parseReturnsCsv, RETURNS_ARTIFACT, type ReturnSeries } from "./returnsArtifact";
export {
  REGIME_BREAKDOWN_ARTIFACT,
  type RegimeBreakdown,
  type RegimeSplit,
  type SplitReturns,
  type SplitScores,
  UNDEFINED_REGIME,
} from "./regimeBreakdown";
export { codeIdentity, trainKey, trainKeyOf } from "./jobKey";
export { type PhaseName, PROGRESS_STEPS, type ProgressStep } from "./phaseNames";
export { JOB_SUMMARY_METRICS, runTrainJob, type TrainJobOptions, type TrainJobResult } from "./trainJob";
export { dataFilesOf, ingestData, type IngestRequest, type IngestSummary } from "./ingest";
export { readModelConfig } from "./modelConfig";
export { predictPanelRows } from "./panelPredictions";
export {
  type Direction,
  type Forecast,
  ForecastError,
  type ForecastErrorCode,
  type ForecastModel,
  type SignalSide,
} from "./forecast/forecastTypes";
export { type BatchForecast, Forecaster, type ForecasterOptions } from "./forecast/forecaster";
export {
  type ScoreOptions,
  type ScoreRequest,
  type ScoreResult,
  type ScoreSummary,
  scoreTickers,
  summarizeScore,
} from "./forecast/scoreTickers";
export { defaultModel } from "./forecast/defaultModel";
export {
  type EvaluateOptions,
  type Evaluation,
  evaluateSignals,
  type SkippedVersion,
  type VersionEvaluation,
} from "./monitoring/evaluate";
export { type EvaluationSummary, summarizeEvaluation, type VersionSummary } from "./monitoring/evaluationSummary";
export {
  type LabelledBars,
  type UnmatchedSignal,
  type VersionOutcomes,
  versionOutcomes,
} from "./monitoring/signalOutcomes";
export { PAUSED_TAG, pauseVersion, pausedReason, resumeVersion } from "./forecast/versionPause";
export {
  computeReferenceProfile,
  loadReferenceProfile,
  type VersionProfile,
  type VersionProfileOptions,
} from "./monitoring/versionProfile";
export { variantReferenceProfile } from "./referenceProfileArtifact";
export { paperTrade } from "./paper/paperTrade";
export type {
  PaperForecast,
  PaperOptions,
  PaperPeriod,
  PaperProgress,
  PaperResult,
} from "./paper/paperTypes";
export type { PaperBook, PaperSession } from "./paper/paperReport";
export {
  type AccuracyPanel,
  type BandThreshold,
  bandThresholds,
  DEFAULT_DASHBOARD_URL,
  type DriftCheckSummary,
  type DriftPanel,
  driftPanel,
  type ForecastRow,
  type MonitorData,
  type MonitorDataOptions,
  type MonitoredModel,
  monitorData,
  resolveMonitoredModel,
  rollingAccuracy,
} from "./monitoring/monitorData";
export { forecastTable, MONITOR_PANEL_IDS, monitorPageHtml } from "./monitoring/monitorPage";
export { type FeaturePsi, featurePsiOf } from "./monitoring/driftReport";
export { type PaperEquity, paperEquity } from "./monitoring/paperEquity";
export {
  checkDrift,
  type CheckDriftOptions,
  DEFAULT_WINDOW,
  type DriftReport,
  type DriftWindow,
  featureTableCsv,
  type FeatureRow,
  MONITORING_EXPERIMENT,
} from "./monitoring/checkDrift";
export {
  ALERT_TIMEOUT_MS,
  ALERT_WEBHOOK_ENV,
  type AlertDelivery,
  type DriftAlert,
  postDriftAlert,
} from "./monitoring/driftAlert";
export {
  type AblationDelta,
  type AblationOptions,
  type AblationResult,
  type AblationStepResult,
  type Interval,
  runAblation,
} from "./ablate";
export { ablationTable } from "./ablationTable";
export { runAblationTracked, type TrackedAblation } from "./ablateTracked";
export { NOTEBOOK_TAG, type NotebookRun, type NotebookTrackOptions, track } from "./notebookTrack";
