/**
 * The ingest policy that `wsp data ingest`, `wsp start` and (later) jobs share: which files, how
 * they are read, and what validation lets through. Errors (duplicates, NaN, non-positive
 * prices, …) fail the whole ingest; anomalies are kept and recorded with the run as counts.
 */
import {
  applyPolicy,
  type Bars,
  listBundled,
  loadUniverse,
  parseBarsCsv,
  parseLongCsv,
  PLANTED_SIGNAL_SOURCE,
  plantedSignalMarket,
  readCsvBytes,
  totalCounts,
  type ValidationReport,
  validateBars,
} from "../data";
import type { IngestResult, Store } from "./store";

/**
 * One file as bars: a long multi-ticker file (header starting with `ticker`) gives one `Bars`
 * per ticker. `checkOrder: false` hands unsorted or duplicate rows to the validation report
 * instead of failing at the first one.
 */
function loadFile(path: string, checkOrder: boolean): Bars[] {
  const bytes = readCsvBytes(path);
  const firstLine = bytes.subarray(0, Math.max(0, bytes.indexOf(10))).toString("latin1");
  if (/^(\uFEFF)?ticker,/i.test(firstLine)) return [...parseLongCsv(bytes, { file: path, checkOrder }).values()];
  return [parseBarsCsv(bytes, { file: path, checkOrder })];
}

/** What a run keeps of the validation: counts per series, not every finding. */
export function validationSummary(reports: readonly ValidationReport[]) {
  return {
    totals: totalCounts(reports),
    errors: reports.reduce((sum, r) => sum + r.errors, 0),
    anomalies: reports.reduce((sum, r) => sum + r.anomalies, 0),
    series: reports.map((r) => ({
      ticker: r.ticker,
      timeframe: r.timeframe,
      rows: r.rows,
      errors: r.errors,
      anomalies: r.anomalies,
      counts: r.counts,
    })),
  };
}

export type ValidationSummary = ReturnType<typeof validationSummary>;

/** Given files, or (`bundled`) every bundled file and the 480-stock universe. */
export interface SeriesInputs {
  files: readonly string[];
  bundled: boolean;
  /** The planted-signal fixture's market (PLNT and its context SENT), as generated on load. */
  plantedSignal?: boolean;
}

/** Called as inputs load: `done` of `total` steps (a file, or the universe). */
export type LoadProgress = (done: number, total: number) => void;

/**
 * The inputs' series and the source recorded with the run. Validation reports unsorted or
 * duplicate rows as findings; an ingest rejects them at once.
 */
export function loadSeriesInputs(
  verb: "ingest" | "validate",
  { files, bundled, plantedSignal }: SeriesInputs,
  onProgress?: LoadProgress,
): { series: Bars[]; source: string } {
  if ([bundled, files.length > 0, plantedSignal === true].filter(Boolean).length > 1) {
    throw new Error("give one of: files, --bundled, --planted-signal");
  }
  if (plantedSignal) {
    const m = plantedSignalMarket();
    onProgress?.(1, 1);
    return { series: [m.asset, m.context], source: PLANTED_SIGNAL_SOURCE };
  }
  if (!bundled && files.length === 0)
    throw new Error(`nothing to ${verb}: give CSV files, --bundled or --planted-signal`);
  const checkOrder = verb === "ingest";
  const paths = bundled ? listBundled().map((f) => f.path) : files;
  const total = paths.length + (bundled ? 1 : 0);
  let done = 0;
  onProgress?.(done, total);
  const series: Bars[] = [];
  for (const path of paths) {
    series.push(...loadFile(path, checkOrder));
    onProgress?.(++done, total);
  }
  if (bundled) {
    series.push(...loadUniverse().values());
    onProgress?.(++done, total);
  }
  return { series, source: bundled ? "bundled" : files.join(" ") };
}

/** Series that passed the ingest policy, with the validation summary recorded with the run. */
export interface CheckedSeries {
  series: readonly Bars[];
  source: string;
  summary: ValidationSummary;
}

/** Applies the policy before any store is opened: a file with errors fails the whole ingest. */
export function checkForIngest({ series, source }: { series: readonly Bars[]; source: string }): CheckedSeries {
  const reports = series.map((bars) => validateBars(bars));
  for (let i = 0; i < series.length; i++) applyPolicy(series[i], reports[i]);
  return { series, source, summary: validationSummary(reports) };
}

export interface IngestCheckedOptions {
  /** Rewrite series stored unchanged. */
  force?: boolean;
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
}

/** Writes checked series into the store in one transaction: all of them or nothing. */
export function ingestChecked(
  store: Store,
  { series, source, summary }: CheckedSeries,
  options: IngestCheckedOptions = {},
): Promise<IngestResult> {
  return store.ingest(series, {
    source,
    report: summary,
    skipUnchanged: !options.force,
    onProgress: options.onProgress,
  });
}
