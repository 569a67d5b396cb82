/** Public surface of the data layer: bars, loaders, calendar, validation, resampling, alignment. */
export * from "./bars";
export * from "./dataFormatError";
export * from "./pathProblem";
export * from "./quoteInput";
export * from "./ticker";
export * from "./csv";
export * from "./bundled";
export * from "./calendar";
export {
  DAY_MS,
  civilFromDays,
  daysFromCivil,
  isoDate,
  isoNewYork,
  newYorkDayOf,
  newYorkOffsetMinutes,
  newYorkToUtc,
} from "./newYorkTime";
export * from "./validate";
export * from "./repairPolicy";
export * from "./resample";
export * from "./align";
export * from "./parquet";
export * from "./dataConfig";
export * from "./plantedSignal";
