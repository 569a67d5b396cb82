/** Public surface of the model engine. */
export { type BinCuts, applyBins, binOf, fitBinCuts } from "./binning";
export { expectedMargin, type Link, marginToProba, predictMargin, type TreeEnsemble } from "./treeEnsemble";
export { GbmModel } from "./gbm";
export { type GbmParams, gbmParamsSchema } from "./gbmParams";
export { column, type FeatureMatrix, featureMatrix, fromColumns, nonFiniteCounts, sliceRows, takeRows } from "./matrix";
export { logLoss } from "./metrics";
export {
  assertSameFeatures,
  type EvalSet,
  type FitOptions,
  type FitReport,
  type Importance,
  type ImportanceKind,
  type KindCapabilities,
  type KindRow,
  MODEL_KINDS,
  MODEL_SCHEMA_VERSION,
  type Model,
  type ModelKind,
  type SavedModel,
} from "./model";
export { type OutOfBag, RfModel, type RfParams, rfParamsSchema } from "./rf";
export { type LoadedModel, loadModel, saveModel } from "./serialise";
export { exportShapDicts, type ShapModelDict, type ShapTreeDict } from "./shapExport";
export type { Tree } from "./tree";
export { checkFinite, type MissingPolicy, type SavedTreeModel, TreeModel } from "./treeModel";
export { type ShapValues, treeShap, treeShapParallel } from "./treeshap";
export { createModel, type ModelSpec, modelSpecSchema } from "./registry";
export { type LbfgsOptions, type LbfgsResult, lbfgs } from "./lbfgs";
export { LogisticModel, type LogisticParams, logisticParamsSchema, type SavedLogistic } from "./logistic";
export { MljsRfModel, type MljsRfParams, mljsRfParamsSchema, type SavedMljsRf } from "./mljsRf";
export {
  fitLstmFolds,
  type LstmFitOptions,
  type LstmFold,
  LstmModel,
  type LstmParams,
  loadTfWasm,
  lstmParamsSchema,
  type SavedLstm,
  windowEnds,
} from "./lstm";
export { BlendModel, type BlendParams, blendParamsSchema, type SavedBlend } from "./blendModel";
export { fitSimplexWeights, projectSimplex, type WeightMethod } from "./simplex";
export {
  type BlendCombiner,
  combineMembers,
  combinerFromJSON,
  combinerToJSON,
  fitRidgeCoefficients,
  fitStackingMeta,
  memberShares,
  ridgeBlendWeights,
  type SavedCombiner,
} from "./blendCombiner";
export { DOMINANCE_SHARE, dominanceWarnings } from "./dominance";
export { softmaxRows } from "./softmax";
export {
  hyperSearch,
  parseSearchSpec,
  type SearchResult,
  type SearchSpec,
  searchSpecSchema,
  searchVariants,
  type Trial,
} from "./hyperSearch";
export { createZooModel, loadAnyModel, type ZooModelSpec, zooModelSpecSchema } from "./zoo";
export { kindCapabilities, MODEL_KIND_TABLE, PYFUNC_KINDS, SINGLE_KINDS, type SingleKind } from "./kinds";
export { specOptions } from "./memberKinds";
export type { KindWork, WorkShape } from "./workCost";
export { rngNext } from "./kernelArena";
