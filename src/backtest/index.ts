/**
 * Public surface of the backtest engine: its config, probabilities to signals, the one-asset and
 * portfolio simulation and the N-column sweep (whole or bar by bar), trade logs, and the statistics
 * that judge a run (returns, deflated Sharpe, PBO, breakdowns, capacity). Costs, sizing and the
 * bar-step kernel stay inside, reached through the config; what a live feed needs to decide at a
 * bar as the engine does (the risk inputs bar by bar, an entry's size, its stop levels) is out.
 */
export {
  type BacktestConfig,
  backtestSchema,
  type CostsConfig,
  costsSchema,
  type EngineConfig,
  type EngineConfigInput,
  type GuardsConfig,
  guardsSchema,
  parseEngineConfig,
  type SignalsConfig,
  signalsSchema,
  type SizingConfig,
  sizingSchema,
  type StopsConfig,
  stopsSchema,
} from "./config";
export { STRESS_WINDOW_NAMES, type StressWindowName } from "./stressWindows";
export { sideProbabilities, type SignalColumn, signalsFromProbabilities } from "./signals";
export { type BarRisk, BarRiskStream } from "./barRisk";
export { type EntrySizeConfig, entryFraction, riskReady } from "./entrySize";
export { stopLevels } from "./stopLevels";
export { capacityEstimate, type CapacityInput } from "./capacity";
export { EXIT, EXIT_REASONS, type ExitReason, type TradeLog, tradeLogToCsv } from "./tradeLog";
export { signalMatrix } from "./barStepSpec";
export {
  type AssetInput,
  type GuardEvent,
  simulate,
  type SimulationResult,
  simulationStepper,
  type SimulationStepper,
} from "./simulate";
export {
  type FeedBar,
  type FeedStep,
  simulationFeed,
  type SimulationFeed,
  type SimulationFeedOptions,
} from "./simulationFeed";
export { sweep, type SweepOptions, type SweepResult, sweepStepper, type SweepStepper } from "./sweep";
export { returnStatistics, type ReturnStatistics, type ReturnStatisticsOptions } from "./returnStatistics";
export { tradeStatistics, type TradeStatistics } from "./tradeStatistics";
export {
  columnSharpes,
  deflatedSharpe,
  type DeflatedSharpeInput,
  DSR_LABEL,
  expectedMaxSharpe,
  minTrackRecordLength,
  probabilisticSharpe,
  type SharpeInputs,
  variance,
} from "./sharpeInference";
export { type PboResult, probabilityOfBacktestOverfitting } from "./pbo";
export { type GridConfig, MAX_GRID_POINTS } from "./gridConfig";
export type { GridPoint } from "./gridPoints";
export { type GridPointResult, type GridStudy, thresholdGrid } from "./thresholdGrid";
export { type SegmentFigures, simulationSegments, type TradedSegment } from "./segmentFigures";
export { breakdownByRegime, breakdownByYear, type SegmentStatistics, stressBreakdown } from "./breakdowns";
export { activeReturns, type ActiveReturns } from "./activeReturns";
export { backtestReport, type BacktestReport, type ReportOptions } from "./report";
export { assetFromProbabilities, type BacktestRun, type ProbabilityInput, runBacktest } from "./runBacktest";
export { sharpeMoments, sizedBenchmarkReturns } from "./activeReturns";
export { perPeriodRate } from "./returnStatistics";
export type { CrossSectionRows } from "./crossSectionRows";
export {
  averageRanks,
  type IcSummary,
  icSummary,
  type InformationCoefficients,
  informationCoefficients,
  pearson,
  spearman,
} from "./informationCoefficient";
export { type QuantileReturns, quantileReturns } from "./quantileReturns";
export { type ScoreTurnover, scoreTurnover } from "./scoreTurnover";
