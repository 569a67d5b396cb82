/**
 * Public surface of validation: split plans (walk-forward, purged k-fold, CPCV, final holdout) by
 * config, out-of-fold assembly, the leakage screen and the binary AUC.
 */
export { auditSplits } from "./auditSplits";
export { binomial, type CpcvOptions, combinatorialPurgedCV } from "./combinatorialPurgedCV";
export { addDuration, type Duration, DurationError, isoTime, parseDuration } from "./duration";
export { type HoldoutSplitOptions, holdoutSplit } from "./holdoutSplit";
export { groupBounds, type PurgedKFoldOptions, purgedKFold } from "./purgedKFold";
export {
  type CommonSplitOptions,
  type Embargo,
  finalHoldoutFrom,
  type LabelSpans,
  type Split,
  SplitError,
  type SplitKind,
  type SplitPlan,
} from "./splitPlan";
export { splitsFromConfig, type ValidationConfig, validationConfigSchema } from "./validationConfig";
export { type WalkForwardOptions, walkForward } from "./walkForward";
export {
  type AucScreenOptions,
  aucNullStd,
  CANARY_NAME,
  type CanaryResult,
  canaryCheck,
  type FeatureColumn,
  type FeatureScreen,
  type LeakageReport,
  shuffleLabels,
  univariateAucScreen,
} from "./leakage";
export { outOfFold, pathPredictions } from "./assemblePredictions";
export { aucOf, rocAuc } from "./rocAuc";
export { finalHoldoutSplit } from "./finalHoldoutSplit";
export { percentileInterval, type StationaryBootstrapOptions, stationaryBootstrap } from "./stationaryBootstrap";
