/** Public surface of the data layer: bars, loaders, calendar, validation, resampling, alignment. */
export {
  appendBars,
  type Bars,
  barsBetween,
  INTRADAY_TIMEFRAME_MS,
  isIntraday,
  isTimeframe,
  lowerBound,
  MAX_WINDOW_BARS,
  sliceBars,
  type Timeframe,
  TIMEFRAMES,
} from "./bars";
export { DataFormatError } from "./dataFormatError";
export { readProblem } from "./pathProblem";
export { clipMessage, QUOTE_LIMIT, quoteInput } from "./quoteInput";
export { tickerProblem } from "./ticker";
export { loadCsv, loadLongCsv, parseBarsCsv, parseLongCsv, readCsvBytes } from "./csv";
export { listBundled, loadBundled, loadUniverse, resolveDataDir } from "./bundled";
export {
  dayMsOf,
  holidayName,
  isEarlyClose,
  isSession,
  nextSession,
  previousSession,
  sessionClose,
  sessionOpen,
  sessionsBetween,
  weekStart,
} from "./calendar";
export {
  DAY_MS,
  civilFromDays,
  daysFromCivil,
  isoDate,
  isoNewYork,
  newYorkDayOf,
  newYorkOffsetMinutes,
  newYorkToUtc,
  weekdayOfDay,
} from "./newYorkTime";
export {
  FINDING_KINDS,
  type FindingKind,
  formatReport,
  totalCounts,
  validateBars,
  type ValidationReport,
} from "./validate";
export { ALLOWED_ACTIONS, applyPolicy, DataValidationError, repairPolicy, RESEARCH_POLICY } from "./repairPolicy";
export { resample } from "./resample";
export { ResampleStream, type StreamBar } from "./resampleStream";
export { alignOnCalendar } from "./align";
export { loadLongParquet, loadParquet } from "./parquet";
export { type DataConfig, dataConfigSchema, type LoadDataOptions, loadDataBlock } from "./dataConfig";
export { PLANTED_SIGNAL_SOURCE, plantedSignalMarket } from "./plantedSignal";
