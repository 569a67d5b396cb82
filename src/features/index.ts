/**
 * Public surface of src/features: feature frames, specs by config, presets, the cache, streaming,
 * the indicator library, breadth, regimes and the quality report.
 */
export { column, type FeatureFrame, selectColumns, sliceRows, toRowMajor } from "./featureFrame";
export { FeatureSpecError } from "./featureSpecError";
export { featureIndicator, featureIndicatorNames } from "./featureRegistry";
export { type FeaturesConfig, type FeaturesConfigInput, featuresConfigSchema } from "./featuresConfig";
export { type FeaturePlan, featurePlan, planFeatures } from "./featurePlan";
export { DEFAULT_SET_CORRELATED_PAIRS } from "./featureSets";
export { closeTimes, contextIndex } from "./visibility";
export { applyNanPolicy } from "./nanPolicy";
export { FEATURE_CODE_VERSION } from "./cache";
export {
  computeFeatures,
  computeFeaturesMany,
  type FeatureInput,
  type FeatureResult,
  parseFeaturesConfig,
} from "./computeFeatures";
export { adx, atr, bollinger, ema, INDICATOR_CATALOG, macd, rollingBeta, rollingCorrelation, rsi } from "./indicators";
export { FeatureStream } from "./featureStream";
export { type Breadth, type BreadthOptions, breadth } from "./breadth";
export { type BreadthSources, loadBreadthSources } from "./breadthSources";
export { formatQualityReport, type QualityOptions, type QualityReport, qualityReport } from "./quality";
export {
  formatRegimeShares,
  GRID_REGIME_CODES,
  GRID_REGIME_LEGEND,
  GRID_REGIMES,
  gridRegime,
  type RegimeLabels,
  type RegimesConfig,
  regimesConfigSchema,
  TREND_REGIMES,
  trendRegime,
  TrendRegimeStream,
} from "./regimes";
export { REGIME_COLUMNS, REGIME_FAMILY, REGIME_FEATURES, type RegimeFeature } from "./regimeFeatureNames";
export { regimeLabelsOf } from "./regimeFeatures";
export { barAt, contextReadBy, FeatureFeed, type FeatureFeedOptions } from "./featureFeed";
export { BundledWorkerPool, bundledEntry, resolveThreadCount } from "./bundledWorker";
