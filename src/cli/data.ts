/**
 * `wsp data ingest|validate|list|query`: the bundled or given CSV files into the operational
 * store and back. Each command opens the store (PostgreSQL with --db or DATABASE_URL, else
 * PGlite under .wsp/pglite/), and an ingest is one transaction: it writes all files or nothing.
 */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { type Bars, isoDate, isoNewYork, isTimeframe, type Timeframe, formatReport, validateBars } from "../data";
import { type IngestSummary, ingestData } from "../pipeline";
import { loadSeriesInputs, openStore, type SeriesInfo, type Store, validationSummary } from "../store";

export interface StoreFlags {
  db?: string;
  dir?: string;
  schema?: string;
}

interface IngestFlags extends StoreFlags {
  bundled?: boolean;
  force?: boolean;
  plantedSignal?: boolean;
  evaluate?: boolean;
}

const FORMATS = ["table", "csv", "json"] as const;
type Format = (typeof FORMATS)[number];

export function withStoreOptions(cmd: Command): Command {
  return cmd
    .option("--db <url>", "PostgreSQL URL (default: DATABASE_URL; without either, the embedded PGlite store)")
    .option("--dir <path>", "PGlite data directory (default: .wsp/pglite in the working directory)")
    .option("--schema <name>", "database schema holding the store's tables", "public");
}

export function openStoreOf(flags: StoreFlags): Promise<Store> {
  return openStore({ url: flags.db, dir: flags.dir, schema: flags.schema });
}

async function withStore<T>(flags: StoreFlags, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStoreOf(flags);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** A progress bar on stderr; cli-progress draws nothing when stderr is not a terminal. */
function progressBar(label: string, unit: string): SingleBar {
  return new SingleBar({
    format: `${label} |{bar}| {percentage}% {value}/{total} ${unit}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: false,
  });
}

/** The inputs' series, with a progress bar over the files. */
function loadInputs(verb: "ingest" | "validate", files: string[], bundled: boolean) {
  const bar = progressBar("load  ", "files");
  try {
    return loadSeriesInputs(verb, { files, bundled }, (done, total) => {
      if (done === 0) bar.start(total, 0);
      else bar.update(done);
    });
  } finally {
    bar.stop();
  }
}

function describeStore(store: Store): string {
  return `${store.backend} store ${store.location} (schema ${store.schema})`;
}

function formatTime(ms: number, timeframe: Timeframe): string {
  return timeframe === "1d" || timeframe === "1w" ? isoDate(ms) : isoNewYork(ms);
}

/** `YYYY-MM-DD` (00:00 UTC, the daily-bar convention) or an ISO timestamp with an offset or Z. */
function parseTime(flag: string, value: string): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms =
    dateOnly || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
      ? Date.parse(value)
      : NaN;
  if (Number.isNaN(ms) || (dateOnly && new Date(ms).toISOString().slice(0, 10) !== value)) {
    throw new Error(
      `${flag} '${value}' is not a date (YYYY-MM-DD) or an ISO timestamp with offset (2025-09-15T09:30:00-04:00)`,
    );
  }
  return ms;
}

function printSeries(list: SeriesInfo[]): void {
  const rows = list.map((s) => [
    s.ticker,
    s.timeframe,
    String(s.rows),
    formatTime(s.first, s.timeframe),
    formatTime(s.last, s.timeframe),
  ]);
  printTable(["ticker", "timeframe", "bars", "first", "last"], rows, [false, false, true, false, false]);
}

export function printTable(header: string[], rows: string[][], rightAligned: boolean[]): void {
  const widths = header.map((h, c) => rows.reduce((w, r) => Math.max(w, r[c].length), h.length));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
  process.stdout.write(`${out.join("\n")}\n`);
}

function printBars(bars: Bars, format: Format): void {
  const timeName = bars.timeframe === "1d" || bars.timeframe === "1w" ? "date" : "timestamp";
  const columns: [string, Float64Array][] = [
    ["open", bars.open],
    ["high", bars.high],
    ["low", bars.low],
    ["close", bars.close],
  ];
  if (bars.volume) columns.push(["volume", bars.volume]);
  if (bars.adjClose) columns.push(["adj_close", bars.adjClose]);
  const n = bars.ts.length;
  const times = Array.from(bars.ts, (t) => formatTime(t, bars.timeframe));
  if (format === "json") {
    const rows = times.map((time, i) => {
      const row: Record<string, string | number> = { [timeName]: time };
      for (const [name, col] of columns) row[name] = col[i];
      return row;
    });
    process.stdout.write(`${JSON.stringify({ ticker: bars.ticker, timeframe: bars.timeframe, rows })}\n`);
    return;
  }
  const header = [timeName, ...columns.map(([name]) => name)];
  const rows: string[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = [times[i], ...columns.map(([, col]) => String(col[i]))];
  if (format === "csv") {
    process.stdout.write(`${[header.join(","), ...rows.map((r) => r.join(","))].join("\n")}\n`);
  } else {
    printTable(header, rows, [false, ...columns.map(() => true)]);
  }
}

/**
 * `wsp data ingest`: validates the files (or all bundled data; a folder stands for its data
 * files) and writes them into the store in one transaction (pipeline `ingestData`, what an ingest
 * job runs), printing progress and a summary. `wsp start` reuses it for the bundled data.
 */
export async function ingestFiles(
  files: string[],
  bundled: boolean,
  flags: StoreFlags & { force?: boolean; plantedSignal?: boolean } = {},
): Promise<IngestSummary> {
  const startedAt = performance.now();
  const loadBar = progressBar("load  ", "files");
  const bar = progressBar("ingest", "bars");
  // The write's bar starts on the first chunk: its total counts only the series that are written.
  let started = false;
  const result = await ingestData({
    paths: files,
    bundled,
    plantedSignal: flags.plantedSignal,
    force: flags.force,
    store: { url: flags.db, dir: flags.dir, schema: flags.schema },
    onLoad: (done, total) => (done === 0 ? loadBar.start(total, 0) : loadBar.update(done)),
    onChecked: (summary) => {
      loadBar.stop();
      if (summary.anomalies === 0) return;
      const kinds = Object.entries(summary.totals).filter(([, count]) => count > 0);
      process.stderr.write(
        `validation: ${summary.anomalies} anomalies kept (${kinds.map(([k, c]) => `${k} ${c}`).join(", ")});` +
          " `wsp data validate` shows them\n",
      );
    },
    onIngest: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
  }).finally(() => {
    loadBar.stop();
    if (started) bar.stop();
  });
  const notes = [
    result.replaced > 0 ? `replaced ${result.replaced} stored bars in the same ranges` : "",
    result.unchanged > 0 ? `${result.unchanged} series unchanged and skipped, --force rewrites them` : "",
  ].filter((n) => n !== "");
  process.stdout.write(
    `ingested ${result.series} series, ${result.rows} bars into ${result.store} as run ${result.runId}` +
      ` in ${((performance.now() - startedAt) / 1000).toFixed(1)} s${notes.length > 0 ? ` (${notes.join("; ")})` : ""}\n`,
  );
  return result;
}

export interface DataCommandHooks {
  /**
   * `wsp data ingest --evaluate`: queues the evaluate job that follows the ingest `source` on the
   * store `schema` (the job runner's, which the CLI cannot import; src/cli.ts passes it). Returns
   * a line to print.
   */
  queueEvaluation: (source: string, schema: string) => Promise<string>;
}

/**
 * `--evaluate` needs a store the worker reads: the job runs on a worker, which evaluates the
 * PostgreSQL the fleet shares, never this machine's embedded PGlite. Checked before the ingest.
 */
function checkEvaluable(flags: StoreFlags): void {
  if (flags.dir !== undefined || (flags.db ?? process.env.DATABASE_URL) === undefined) {
    throw new Error(
      "--evaluate: the evaluate job runs on a worker, which reads the shared PostgreSQL (DATABASE_URL), " +
        "not the embedded PGlite store this ingest would write: give --db <url> or set DATABASE_URL",
    );
  }
}

export function registerDataCommands(program: Command, hooks: DataCommandHooks): void {
  const data = program.command("data").description("bundled market data and the operational store");

  withStoreOptions(
    data
      .command("ingest")
      .description("load CSV/CSV.GZ files (or all bundled data) into the store, in one transaction")
      .argument(
        "[files...]",
        "CSV or CSV.GZ files (a folder: its .csv and .csv.gz files): single-ticker (date|timestamp,open,…) or long (ticker,date,…)",
      )
      .option("--bundled", "ingest every file under data/ (daily, intraday and the 480-stock universe)")
      .option("--planted-signal", "ingest the planted-signal fixture's market (PLNT, SENT), to serve its champion")
      .option("--force", "rewrite series even when they are stored unchanged")
      .option(
        "--evaluate",
        "then queue an evaluate job on this schema (outcomes of the signals the new bars mature); needs Redis and a worker serving the evaluate queue",
      ),
  ).action(async (files: string[], flags: IngestFlags) => {
    if (flags.evaluate) checkEvaluable(flags);
    const result = await ingestFiles(files, flags.bundled ?? false, flags);
    if (!flags.evaluate) return;
    // The store's run id names the ingest; the schema makes it unique across schemas of one database.
    const schema = flags.schema ?? "public";
    process.stdout.write(`${await hooks.queueEvaluation(`ingest-run-${schema}-${result.runId}`, schema)}\n`);
  });

  withStoreOptions(
    data
      .command("validate")
      .description("print the validation report of CSV files (or all bundled data) and record it in the store")
      .argument("[files...]", "CSV or CSV.GZ files")
      .option("--bundled", "validate every file under data/")
      .option("--examples <n>", "findings shown per kind", "3")
      .option("--no-record", "do not record the run in the store"),
  ).action(validateCommand);

  withStoreOptions(data.command("list").description("the series in the store, with bar counts and extents"))
    .option("--format <format>", "table or json", "table")
    .action(async (flags: StoreFlags & { format: string }) => {
      if (flags.format !== "table" && flags.format !== "json") {
        throw new Error(`--format '${flags.format}' is not one of table, json`);
      }
      await withStore(flags, async (store) => {
        const list = await store.listSeries();
        if (flags.format === "json") {
          process.stdout.write(`${JSON.stringify(list)}\n`);
        } else if (list.length === 0) {
          process.stdout.write(`${describeStore(store)} is empty: run \`wsp data ingest --bundled\`\n`);
        } else {
          printSeries(list);
        }
      });
    });

  withStoreOptions(data.command("runs").description("recent ingest and validation runs, newest first"))
    .option("--kind <kind>", "ingest or validate")
    .option("--limit <n>", "how many runs", "20")
    .option("--format <format>", "table or json (json includes each run's report)", "table")
    .action(runsCommand);

  withStoreOptions(
    data
      .command("query")
      .description("print one series' bars from the store")
      .argument("<ticker>", "ticker, e.g. SPY")
      .option("--timeframe <tf>", "1m 5m 15m 1h 1d 1w", "1d")
      .option("--from <time>", "first bar: YYYY-MM-DD or ISO timestamp with offset (inclusive)")
      .option("--to <time>", "last bar: YYYY-MM-DD (that whole day) or ISO timestamp (inclusive)")
      .option("--format <format>", "table, csv or json", "table"),
  ).action(queryCommand);
}

/** `wsp data validate`: the report of each series, recorded in the store unless --no-record. */
async function validateCommand(
  files: string[],
  flags: StoreFlags & { bundled?: boolean; examples: string; record: boolean },
): Promise<void> {
  const examples = Number(flags.examples);
  if (!Number.isInteger(examples) || examples < 0) {
    throw new Error(`--examples '${flags.examples}' is not a non-negative integer`);
  }
  const startedAt = Date.now();
  const { series, source } = loadInputs("validate", files, flags.bundled ?? false);
  const reports = series.map((bars) => validateBars(bars));
  const summary = validationSummary(reports);
  process.stdout.write(`${formatReport(reports, examples)}\n`);
  process.stdout.write(
    `${reports.length} series, ${summary.errors} errors, ${summary.anomalies} anomalies` +
      ` (research policy: errors fail an ingest, anomalies are kept and reported)\n`,
  );
  if (flags.record) {
    await withStore(flags, (store) =>
      store.recordRun({
        kind: "validate",
        source,
        status: summary.errors > 0 ? "failed" : summary.anomalies > 0 ? "warn" : "ok",
        startedAt,
        series: reports.length,
        rows: reports.reduce((sum, r) => sum + r.rows, 0),
        report: summary,
      }),
    );
  }
  if (summary.errors > 0) process.exitCode = 1;
}

/** `wsp data runs`: recent ingest and validation runs, newest first. */
async function runsCommand(flags: StoreFlags & { kind?: string; limit: string; format: string }): Promise<void> {
  if (flags.kind !== undefined && flags.kind !== "ingest" && flags.kind !== "validate") {
    throw new Error(`--kind '${flags.kind}' is not one of ingest, validate`);
  }
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit '${flags.limit}' is not a positive integer`);
  if (flags.format !== "table" && flags.format !== "json") {
    throw new Error(`--format '${flags.format}' is not one of table, json`);
  }
  const kind = flags.kind;
  const runs = await withStore(flags, (store) => store.runs({ kind, limit }));
  if (flags.format === "json") {
    process.stdout.write(`${JSON.stringify(runs)}\n`);
    return;
  }
  printTable(
    ["id", "kind", "status", "finished", "series", "bars", "source"],
    runs.map((r) => [
      String(r.id),
      r.kind,
      r.status,
      new Date(r.finishedAt).toISOString(),
      String(r.series),
      String(r.rows),
      r.source,
    ]),
    [true, false, false, false, true, true, false],
  );
}

/** `wsp data query`: one series' bars from the store, the --to day inclusive. */
async function queryCommand(
  ticker: string,
  flags: StoreFlags & { timeframe: string; from?: string; to?: string; format: string },
): Promise<void> {
  if (!isTimeframe(flags.timeframe))
    throw new Error(`--timeframe '${flags.timeframe}' is not one of 1m 5m 15m 1h 1d 1w`);
  if (!(FORMATS as readonly string[]).includes(flags.format)) {
    throw new Error(`--format '${flags.format}' is not one of ${FORMATS.join(", ")}`);
  }
  const timeframe = flags.timeframe;
  const from = flags.from === undefined ? undefined : parseTime("--from", flags.from);
  // Inclusive end: a bare date covers its whole day.
  const to =
    flags.to === undefined
      ? undefined
      : parseTime("--to", flags.to) + (/^\d{4}-\d{2}-\d{2}$/.test(flags.to) ? 86_400_000 : 1);
  if (from !== undefined && to !== undefined && from >= to) {
    throw new Error(`--from ${flags.from} is after --to ${flags.to}`);
  }
  const bars = await withStore(flags, (store) => store.query(ticker, timeframe, { from, to }));
  printBars(bars, flags.format as Format);
}
