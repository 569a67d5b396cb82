/**
 * The `data:` block of an experiment config (docs/architecture.md) and its loader. `source` is
 * `bundled` (data/), `csv:<path>` (a directory laid out like data/ — daily/<T>.csv,
 * intraday/<T>_<tf>.csv[.gz] — or one CSV file for a single ticker), `store` (the
 * operational store, which lives downstream in src/store: the caller passes its query as
 * `fromStore`, so the data layer does not depend on the store) or `synthetic:planted-signal`
 * (the seeded market of plantedSignal.ts, generated on load).
 */
import { existsSync, statSync } from "node:fs";
import { z } from "zod";
import { type Bars, TIMEFRAMES, type Timeframe, barsBetween } from "./bars";
import { type BundledFile, listBundled, resolveDataDir } from "./bundled";
import { dayMsOf } from "./calendar";
import { loadCsv } from "./csv";
import { DataFormatError } from "./dataFormatError";
import { DAY_MS, isoDate, newYorkToUtc } from "./newYorkTime";
import { PLANTED_SIGNAL_SOURCE, plantedSignalMarket } from "./plantedSignal";
import { resample } from "./resample";

const isoDay = z.preprocess(
  // YAML 1.1 loaders turn 2000-01-01 into a Date; accept it as the date it names.
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
    .refine((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s) || isoDate(dayMsOf(s)) === s, "not a calendar date"),
);

export const dataConfigSchema = z
  .object({
    tickers: z.array(z.string().min(1)).min(1).max(1000),
    timeframe: z.enum(TIMEFRAMES).default("1d"),
    /** First session included (default: the start of the data). */
    start: isoDay.optional(),
    /** Last session included (default: the end of the data). */
    end: isoDay.optional(),
    source: z
      .string()
      .regex(
        /^(bundled|store|csv:.+|synthetic:planted-signal)$/,
        "expected bundled, store, csv:<path> or synthetic:planted-signal",
      )
      .default("bundled"),
    /** Context series (e.g. VIX) loaded like the tickers; align them with alignOnCalendar. */
    context: z.array(z.string().min(1)).max(100).default([]),
  })
  .strict()
  .refine((c) => !c.start || !c.end || c.start <= c.end, { message: "start is after end", path: ["start"] });

export type DataConfig = z.infer<typeof dataConfigSchema>;

export interface LoadedSeries {
  bars: Bars;
  /** The file read (or "store"). */
  source: string;
  /** The timeframe read before resampling to the configured one, when they differ. */
  resampledFrom: Timeframe | null;
}

export interface LoadedData {
  tickers: LoadedSeries[];
  context: LoadedSeries[];
}

export interface LoadDataOptions {
  /** Where `bundled` looks (default: found from the working directory). */
  dataDir?: string;
  /** Query of the operational store for `source: store` (from src/store). */
  fromStore?: (ticker: string, timeframe: Timeframe, fromMs: number, toMs: number) => Promise<Bars>;
}

/** UTC window [from, to) of the configured dates: New York local days for intraday bars. */
function windowOf(config: DataConfig, intraday: boolean): [number, number] {
  const from = config.start ? dayMsOf(config.start) : Number.NEGATIVE_INFINITY;
  const to = config.end ? dayMsOf(config.end) + DAY_MS : Number.POSITIVE_INFINITY;
  if (!intraday) return [from, to];
  return [Number.isFinite(from) ? newYorkToUtc(from, 0) : from, Number.isFinite(to) ? newYorkToUtc(to, 0) : to];
}

function rank(tf: Timeframe): number {
  return TIMEFRAMES.indexOf(tf);
}

/** The file with the wanted timeframe, else the coarsest finer one to resample from. */
function pickFile(files: BundledFile[], ticker: string, timeframe: Timeframe, where: string): BundledFile {
  const own = files.filter((f) => f.ticker === ticker);
  const exact = own.find((f) => f.timeframe === timeframe);
  if (exact) return exact;
  const finer = own
    .filter((f) => rank(f.timeframe) < rank(timeframe))
    .sort((a, b) => rank(b.timeframe) - rank(a.timeframe));
  if (finer.length > 0) return finer[0];
  const available = [...new Set(files.map((f) => f.ticker))].join(", ");
  throw new DataFormatError(
    where,
    null,
    null,
    null,
    own.length === 0
      ? `unknown ticker ${ticker}; available: ${available}`
      : `no ${timeframe} data for ${ticker} and nothing finer to resample (has ${own.map((f) => f.timeframe).join(", ")})`,
  );
}

async function loadOne(ticker: string, config: DataConfig, options: LoadDataOptions): Promise<LoadedSeries> {
  const tf = config.timeframe;
  const intraday = rank(tf) < rank("1d");
  const [from, to] = windowOf(config, intraday);
  const range = `${config.start ?? "start"}..${config.end ?? "end"}`;
  let series: LoadedSeries;
  if (config.source === "store") {
    if (!options.fromStore) {
      throw new DataFormatError("store", null, null, null, "source store needs the store's query (options.fromStore)");
    }
    series = { bars: await options.fromStore(ticker, tf, from, to), source: "store", resampledFrom: null };
  } else if (config.source === PLANTED_SIGNAL_SOURCE) {
    series = plantedSeries(ticker, tf);
  } else {
    let files: BundledFile[];
    let where: string;
    if (config.source === "bundled") {
      where = resolveDataDir(options.dataDir);
      files = listBundled(where);
    } else {
      where = config.source.slice(4);
      files =
        existsSync(where) && statSync(where).isFile() ? [{ ticker, timeframe: tf, path: where }] : listBundled(where);
    }
    const file = pickFile(files, ticker, tf, where);
    const raw = loadCsv(file.path, { ticker, timeframe: file.timeframe });
    const bars = file.timeframe === tf ? raw : resample(raw, tf);
    series = { bars, source: file.path, resampledFrom: file.timeframe === tf ? null : file.timeframe };
  }
  const bars = barsBetween(series.bars, from, to);
  if (bars.ts.length === 0) {
    const all = series.bars.ts;
    const covers = all.length > 0 ? `${isoDate(all[0])}..${isoDate(all[all.length - 1])}` : "nothing";
    throw new DataFormatError(
      series.source,
      null,
      null,
      null,
      `no ${tf} bars for ${ticker} in ${range}; the data covers ${covers}`,
    );
  }
  return { ...series, bars };
}

/** A series of the planted-signal market (daily; coarser timeframes resampled from it). */
function plantedSeries(ticker: string, tf: Timeframe): LoadedSeries {
  const market = plantedSignalMarket();
  const daily = [market.asset, market.context].find((b) => b.ticker === ticker);
  if (!daily) {
    throw new DataFormatError(
      PLANTED_SIGNAL_SOURCE,
      null,
      null,
      null,
      `unknown ticker ${ticker}; available: ${market.asset.ticker}, ${market.context.ticker}`,
    );
  }
  if (rank(tf) < rank("1d")) {
    throw new DataFormatError(PLANTED_SIGNAL_SOURCE, null, null, null, `no ${tf} data: the market is daily`);
  }
  const bars = tf === "1d" ? daily : resample(daily, tf);
  return { bars, source: PLANTED_SIGNAL_SOURCE, resampledFrom: tf === "1d" ? null : "1d" };
}

/** Load the tickers and context series of a `data:` block (validated with `dataConfigSchema`). */
export async function loadDataBlock(input: unknown, options: LoadDataOptions = {}): Promise<LoadedData> {
  const config = dataConfigSchema.parse(input);
  const tickers: LoadedSeries[] = [];
  for (const t of config.tickers) tickers.push(await loadOne(t, config, options));
  const context: LoadedSeries[] = [];
  for (const t of config.context) context.push(await loadOne(t, config, options));
  return { tickers, context };
}
