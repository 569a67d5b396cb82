/** Public surface of calibration: out-of-fold calibrators (Platt, isotonic, temperature) and the metric report. */
export { calibrationConfigSchema, type CalibrationConfig } from "./calibrationConfig";
export {
  CALIBRATION_METHODS,
  type CalibrationMethod,
  type Calibrator,
  type CalibratorJSON,
  type CalibratorOptions,
  calibratorFromJSON,
  type FittedCalibrationJSON,
  fitCalibrator,
} from "./calibrator";
export { crossFitCalibration, type RowSplit } from "./crossFitCalibration";
export { applyIsotonic, fitIsotonic, type IsotonicParams } from "./isotonic";
export { accuracy, balancedAccuracy, confusionMatrix, type PrecisionRecallF1, precisionRecallF1 } from "./metrics";
export { brierScore, rocAucOvr } from "./metricsProbabilistic";
// The binary AUC lives in validation (the leakage screen scores with it first), the log-loss in
// models (early stopping scores with it first); both belong to the metric report all the same.
export { logLoss } from "../models";
export { rocAuc } from "../validation";
export {
  type BinStrategy,
  eceOfTable,
  expectedCalibrationError,
  type ReliabilityTable,
  reliabilityTable,
} from "./metricsReliability";
export { applyPlatt, fitPlatt, logit, type PlattParams } from "./platt";
export { type PrecisionRecallCurve, precisionRecallCurve } from "./precisionRecallCurve";
export { type RocCurve, rocCurve } from "./rocCurve";
export { CalibrationError, predictClasses } from "./probabilities";
export { applyTemperature, fitTemperature, type TemperatureParams } from "./temperature";
