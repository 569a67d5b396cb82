/**
 * Public surface of monitoring: what a served model is checked against. Pure (arrays in, figures
 * out): reference profiles, PSI and KS drift, the accuracy bands with their hysteresis, one drift
 * check. The jobs and the page that run it are in pipeline/, jobs/ and serving/.
 */
export {
  binOf,
  binnedReference,
  type BinnedReference,
  binShares,
  decileEdges,
  psi,
  PSI_BINS,
  PSI_DRIFT,
  PSI_SHARE_FLOOR,
  psiOfShares,
  type PsiResult,
  quantileSorted,
} from "./psi";
export {
  bonferroniLevel,
  type KsResult,
  ksStatisticSorted,
  ksTwoSample,
  ksTwoSampleSorted,
  SCIPY_EXACT_MAX_N,
  sortedPresent,
} from "./ks";
export {
  buildReferenceProfile,
  type DistributionProfile,
  distributionProfile,
  type FeatureProfile,
  featureProfiles,
  KS_SAMPLE_SIZE,
  parseReferenceProfile,
  type PredictedProbabilityKind,
  predictedProbability,
  profiledFeatures,
  REFERENCE_PROFILE_FILE,
  REFERENCE_PROFILE_SCHEMA_VERSION,
  type ReferenceProfile,
  type ReferenceProfileInput,
  referenceProfileJson,
  TOP_FEATURES,
  type WindowFeatureProfiles,
} from "./referenceProfile";
export {
  ACCURACY_BANDS,
  type AccuracyBand,
  BAND_CONFIRMATIONS,
  BAND_DROPS,
  bandOf,
  type BandState,
  INITIAL_BAND_STATE,
  nextBandState,
} from "./accuracyBands";
export { type DriftCheckInput, type DriftCheckResult, driftCheck, type FeatureDrift, PSI_MIN_ROWS } from "./driftCheck";
export {
  type BaselineFigures,
  type LiveMetrics,
  type LiveOutcome,
  liveMetrics,
  ROLLING_WINDOW,
  type RegimeHitRate,
} from "./liveMetrics";
