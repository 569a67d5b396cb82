/** Public surface of src/features: feature frames, specs by config, presets, the cache, streaming, and the indicator library. */
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
