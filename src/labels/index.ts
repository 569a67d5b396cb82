/** Public surface of labels: fixed-horizon, triple-barrier and meta labels by config, and sample weights. */
export { firstBarrierTouch } from "./barrierTouch";
export { type FixedHorizonOptions, fixedHorizonLabels } from "./fixedHorizon";
export { type LabelsConfig, labelsConfigSchema } from "./labelsConfig";
export { type LabelInputs, labelsFromConfig } from "./labelsFromConfig";
export {
  type BarrierLabelSet,
  crossesSession,
  DIRECTION_3,
  DIRECTION_BINARY,
  LabelError,
  type LabelKind,
  type LabelSet,
  labelCount,
  META_CLASSES,
} from "./labelSet";
export { type MetaLabelOptions, metaLabels } from "./metaLabels";
export { rollingVolatility } from "./rollingVolatility";
export {
  averageUniqueness,
  classWeights,
  combinedWeights,
  type LabelIntervals,
  labelConcurrency,
} from "./sampleWeights";
export { type Bars3, type BarrierWidths, type TripleBarrierOptions, tripleBarrierLabels } from "./tripleBarrier";
export { CLASS_WEIGHTS, type ClassWeight } from "./labelsConfig";
export { type LabelSpans, trainingWeights } from "./trainingWeights";
export type { PrimaryConfig, PrimaryModel, PrimaryRule } from "./primaryConfig";
export { REGIME_SCHEMES, type RegimeScheme, regimeCount } from "./regimeSchemes";
export { primaryRuleSide } from "./primaryRule";
