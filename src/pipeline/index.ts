/** Public surface of the pipeline: the experiment config, the runner and its tracking. */
export * from "./config";
export { checkModelKinds, checkModels, createModel } from "./modelFactory";
export { type Scores, scoreProbabilities } from "./classificationMetrics";
export { type PromoteOptions, type PromotionResult, promoteRun } from "./promote";
export { type Panel, panelPlan, stackPanel, type TickerInput } from "./panel";
export * from "./runExperiment";
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
export { codeIdentity, trainKey, trainKeyOf } from "./jobKey";
export { JOB_SUMMARY_METRICS, runTrainJob, type TrainJobOptions, type TrainJobResult } from "./trainJob";
export { dataFilesOf, ingestData, type IngestRequest, type IngestSummary } from "./ingest";
