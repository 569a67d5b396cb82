/**
 * Public surface of src/features: feature frames, specs by config, presets, the cache, streaming,
 * the indicator library, breadth, regimes and the quality report.
 */
export * from "./featureFrame";
export * from "./featureSpecError";
export * from "./featureRegistry";
export * from "./featuresConfig";
export * from "./featurePlan";
export * from "./featureSets";
export * from "./transforms";
export * from "./visibility";
export * from "./nanPolicy";
export * from "./cache";
export * from "./computeFeatures";
export * from "./indicators";
export * from "./featureStream";
export { type Breadth, type BreadthOptions, breadth } from "./breadth";
export { type BreadthSources, loadBreadthSources } from "./breadthSources";
export { formatQualityReport, type QualityOptions, type QualityReport, qualityReport } from "./quality";
export {
  formatRegimeShares,
  GRID_REGIME_CODES,
  GRID_REGIME_LEGEND,
  gridRegime,
  type RegimesConfig,
  regimesConfigSchema,
  trendRegime,
} from "./regimes";
