/**
 * The store's SQL, shared by the PostgreSQL and PGlite backends.
 *
 * Ingest: per series, DELETE the stored rows inside its [first, last] ts, then binary COPY of all
 * series in chunks, then the series catalog and the run row: one transaction, so re-ingesting
 * the same bars is idempotent and a failure anywhere writes nothing.
 * Query: binary COPY out in ts order (binaryCopyOut.ts): the server sends each value in its
 * binary form and the client decodes the tuples in one pass, with no per-row objects.
 */
import { type Bars, isTimeframe, type Timeframe, tickerProblem } from "../data";
import { BARS_COPY_COLUMNS, type BarsSlice, encodeBarsCopy } from "./binaryCopy";
import { BARS_COPY_OUT_COLUMNS, decodeBarsCopy } from "./binaryCopyOut";
import { contentHash } from "./contentHash";
import {
  driftChecks,
  recentOutcomes,
  recordDriftCheck,
  recordOutcomes,
  unevaluatedSignals,
  versionSignals,
} from "./monitoringSql";
import type {
  DriftCheckQuery,
  DriftCheckRecord,
  NewDriftCheck,
  NewSignalOutcome,
  OutcomeQuery,
  SignalOutcome,
  VersionSignalQuery,
  UnevaluatedQuery,
} from "./monitoringTypes";
import { insertSignal, listSignals, markExpiredSignals } from "./signalSql";
import type { NewSignal, SignalInsert, SignalPage, SignalQuery, SignalRecord } from "./signalTypes";
import type { SqlClient } from "./sqlClient";
import { EPOCH_MS } from "./sqlTime";
import type {
  IngestOptions,
  IngestResult,
  NewRun,
  RunKind,
  RunRecord,
  RunStatus,
  SeriesInfo,
  Store,
  StoreBackend,
  TimeRange,
} from "./store";
import { StoreError } from "./storeError";

/** Rows per COPY statement: bounds the payload buffer (~100 B/row) and paces progress reports. */
const COPY_CHUNK_ROWS = 50_000;

function isoOf(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(".000Z", "Z") : String(ms);
}

function describeSeries(s: SeriesInfo): string {
  return `${s.ticker} ${s.timeframe} (${s.rows} bars, ${isoOf(s.first)} .. ${isoOf(s.last)})`;
}

/** Checks what the database cannot: parallel columns and strictly increasing integral timestamps. */
function checkSeries(bars: Bars, index: number): void {
  const problem = tickerProblem(bars.ticker);
  if (problem !== null) throw new StoreError("bad_input", `series ${index}: ${problem}`);
  const where = `series ${index} (${bars.ticker} ${bars.timeframe})`;
  if (!isTimeframe(bars.timeframe)) {
    throw new StoreError("bad_input", `${where}: timeframe '${bars.timeframe}' is not one of 1m 5m 15m 1h 1d 1w`);
  }
  const n = bars.ts.length;
  const columns = {
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume,
    adjClose: bars.adjClose,
  };
  for (const [name, col] of Object.entries(columns)) {
    if (col !== null && col.length !== n) {
      throw new StoreError("bad_input", `${where}: column ${name} has ${col.length} values, ts has ${n}`);
    }
  }
  for (let i = 0; i < n; i++) {
    const t = bars.ts[i];
    if (!Number.isInteger(t)) {
      throw new StoreError("bad_input", `${where}: ts[${i}] = ${t} is not an integral epoch-ms timestamp`);
    }
    if (i > 0 && t <= bars.ts[i - 1]) {
      throw new StoreError(
        "bad_input",
        `${where}: ts[${i}] = ${isoOf(t)} is not after ts[${i - 1}] = ${isoOf(bars.ts[i - 1])} (timestamps must strictly increase)`,
      );
    }
  }
}

/** Splits the series into COPY payloads of at most COPY_CHUNK_ROWS rows. */
function chunk(series: readonly Bars[]): BarsSlice[][] {
  const chunks: BarsSlice[][] = [];
  let current: BarsSlice[] = [];
  let rows = 0;
  for (const bars of series) {
    let start = 0;
    while (start < bars.ts.length) {
      const end = Math.min(bars.ts.length, start + COPY_CHUNK_ROWS - rows);
      current.push({ bars, start, end });
      rows += end - start;
      start = end;
      if (rows === COPY_CHUNK_ROWS) {
        chunks.push(current);
        current = [];
        rows = 0;
      }
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function num(value: unknown): number {
  return typeof value === "number" ? value : Number(value);
}

function toSeriesInfo(row: unknown[]): SeriesInfo {
  return {
    ticker: String(row[0]),
    timeframe: String(row[1]) as Timeframe,
    rows: num(row[2]),
    first: num(row[3]),
    last: num(row[4]),
  };
}

export class SqlStore implements Store {
  constructor(
    private readonly db: SqlClient,
    readonly backend: StoreBackend,
    readonly location: string,
    readonly schema: string,
  ) {}

  async ingest(series: readonly Bars[], options: IngestOptions = {}): Promise<IngestResult> {
    const seen = new Map<string, number>();
    series.forEach((bars, i) => {
      checkSeries(bars, i);
      const key = `${bars.ticker} ${bars.timeframe}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        throw new StoreError(
          "bad_input",
          `series ${earlier} and ${i} are both ${key}: give each series once per ingest`,
        );
      }
      seen.set(key, i);
    });
    let nonEmpty = series.filter((b) => b.ts.length > 0);
    let hashes = nonEmpty.map(contentHash);
    let unchanged = 0;
    if (options.skipUnchanged && nonEmpty.length > 0) {
      const rows = await this.db.query(
        `SELECT ticker, timeframe, content_hash FROM series WHERE content_hash IS NOT NULL`,
      );
      const stored = new Set(rows.map((r) => `${r[0]} ${r[1]} ${r[2]}`));
      const keep = nonEmpty.map((b, i) => !stored.has(`${b.ticker} ${b.timeframe} ${hashes[i]}`));
      unchanged = keep.filter((k) => !k).length;
      nonEmpty = nonEmpty.filter((_, i) => keep[i]);
      hashes = hashes.filter((_, i) => keep[i]);
    }
    const total = nonEmpty.reduce((sum, b) => sum + b.ts.length, 0);
    const startedAt = Date.now();
    const source = options.source ?? "api";
    let result: IngestResult;
    try {
      result = await this.db.transaction(async (tx) => {
        // One statement for all series (the bundled universe is ~500): one round trip, not 500.
        const deleted = await tx.query(
          `WITH d AS (
             DELETE FROM bars b
             USING unnest($1::text[], $2::text[], $3::float8[], $4::float8[]) AS r (ticker, timeframe, first_ms, last_ms)
             WHERE b.ticker = r.ticker AND b.timeframe = r.timeframe
               AND b.ts >= to_timestamp(r.first_ms / 1000) AND b.ts <= to_timestamp(r.last_ms / 1000)
             RETURNING 1)
           SELECT count(*)::float8 FROM d`,
          [
            nonEmpty.map((b) => b.ticker),
            nonEmpty.map((b) => b.timeframe),
            nonEmpty.map((b) => b.ts[0]),
            nonEmpty.map((b) => b.ts[b.ts.length - 1]),
          ],
        );
        const replaced = num(deleted[0][0]);
        let done = 0;
        for (const slices of chunk(nonEmpty)) {
          await tx.copyBinary(`bars ${BARS_COPY_COLUMNS}`, encodeBarsCopy(slices));
          done += slices.reduce((sum, s) => sum + s.end - s.start, 0);
          options.onProgress?.(done, total);
        }
        await tx.query(
          `INSERT INTO series (ticker, timeframe, rows, first_ts, last_ts)
           SELECT b.ticker, b.timeframe, count(*), min(b.ts), max(b.ts)
           FROM bars b JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS u (ticker, timeframe)) k
             ON b.ticker = k.ticker AND b.timeframe = k.timeframe
           GROUP BY b.ticker, b.timeframe
           ON CONFLICT (ticker, timeframe) DO UPDATE
             SET rows = EXCLUDED.rows, first_ts = EXCLUDED.first_ts, last_ts = EXCLUDED.last_ts`,
          [nonEmpty.map((b) => b.ticker), nonEmpty.map((b) => b.timeframe)],
        );
        // The hash describes the stored series only when the ingested bars are all of it.
        await tx.query(
          `UPDATE series s SET content_hash = CASE WHEN s.rows = u.n THEN u.hash END
           FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) AS u (ticker, timeframe, hash, n)
           WHERE s.ticker = u.ticker AND s.timeframe = u.timeframe`,
          [nonEmpty.map((b) => b.ticker), nonEmpty.map((b) => b.timeframe), hashes, nonEmpty.map((b) => b.ts.length)],
        );
        // Fresh statistics: after a bulk load the planner otherwise guesses a handful of rows and
        // answers the next query with a bitmap scan and an on-disk sort instead of the index.
        // Only the key columns: the price columns' statistics serve no query and cost 2-3x more.
        if (total > 0) await tx.exec("ANALYZE bars (ticker, timeframe, ts)");
        const run = await tx.query(
          `INSERT INTO runs (kind, source, status, started_at, series, rows, report)
           VALUES ('ingest', $1, 'ok', to_timestamp($2::float8 / 1000), $3, $4, $5::jsonb) RETURNING id::float8`,
          [source, startedAt, nonEmpty.length, total, JSON.stringify(options.report ?? null)],
        );
        return { runId: num(run[0][0]), series: nonEmpty.length, rows: total, replaced, unchanged };
      });
    } catch (err) {
      if (err instanceof StoreError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const detail = (err as { detail?: string }).detail;
      throw new StoreError(
        "ingest_failed",
        `ingest of ${nonEmpty.length} series (${total} bars) from ${source} failed and wrote nothing: ${message}${detail ? ` (${detail})` : ""}`,
        { cause: err },
      );
    }
    if (this.backend === "pglite" && result.rows > 0) {
      // PGlite runs neither autovacuum nor a checkpointer: without this, every re-ingest would
      // leave the replaced rows and its WAL behind and the directory would keep growing.
      if (result.replaced > 0) await this.db.exec("VACUUM bars");
      await this.db.exec("CHECKPOINT");
    }
    return result;
  }

  async append(series: readonly Bars[]): Promise<number> {
    series.forEach((bars, i) => {
      checkSeries(bars, i);
    });
    const rows = series.flatMap((b) => Array.from(b.ts, (_, i) => ({ b, i })));
    if (rows.length === 0) return 0;
    const col = (pick: (b: Bars, i: number) => number | null) => rows.map((r) => pick(r.b, r.i));
    return this.db.transaction(async (tx) => {
      const added = await tx.query(
        `WITH r AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
                                $7::float8[], $8::float8[], $9::float8[])
             AS r (ticker, timeframe, ms, open, high, low, close, volume, adj_close)),
         ins AS (
           INSERT INTO bars (ticker, timeframe, ts, open, high, low, close, volume, adj_close)
           SELECT r.ticker, r.timeframe, to_timestamp(r.ms / 1000), r.open, r.high, r.low, r.close, r.volume, r.adj_close
           FROM r LEFT JOIN series s ON s.ticker = r.ticker AND s.timeframe = r.timeframe
           WHERE s.last_ts IS NULL OR to_timestamp(r.ms / 1000) > s.last_ts
           RETURNING ticker, timeframe, ts),
         moved AS (
           INSERT INTO series (ticker, timeframe, rows, first_ts, last_ts)
           SELECT ticker, timeframe, count(*), min(ts), max(ts) FROM ins GROUP BY ticker, timeframe
           ON CONFLICT (ticker, timeframe) DO UPDATE
             SET rows = series.rows + EXCLUDED.rows, last_ts = EXCLUDED.last_ts, content_hash = NULL
           RETURNING rows)
         SELECT count(*)::float8 FROM ins`,
        [
          rows.map((r) => r.b.ticker),
          rows.map((r) => r.b.timeframe),
          col((b, i) => b.ts[i]),
          col((b, i) => b.open[i]),
          col((b, i) => b.high[i]),
          col((b, i) => b.low[i]),
          col((b, i) => b.close[i]),
          col((b, i) => (b.volume ? b.volume[i] : null)),
          col((b, i) => (b.adjClose ? b.adjClose[i] : null)),
        ],
      );
      const n = num(added[0][0]);
      if (n !== rows.length) {
        const at = series.map((b) => `${b.ticker} ${b.timeframe} from ${isoOf(b.ts[0])}`).join(", ");
        throw new StoreError(
          "bad_input",
          `append: ${rows.length - n} of ${rows.length} bars (${at}) are not after their series' last stored bar; nothing was written (use ingest to replace stored bars)`,
        );
      }
      return n;
    });
  }

  async listSeries(): Promise<SeriesInfo[]> {
    const rows = await this.db.query(
      `SELECT ticker, timeframe, rows::float8, ${EPOCH_MS("first_ts")}, ${EPOCH_MS("last_ts")}
       FROM series ORDER BY ticker, timeframe`,
    );
    return rows.map(toSeriesInfo);
  }

  async query(ticker: string, timeframe: Timeframe, range: TimeRange = {}): Promise<Bars> {
    if (!isTimeframe(timeframe)) {
      throw new StoreError("bad_input", `timeframe '${timeframe}' is not one of 1m 5m 15m 1h 1d 1w`);
    }
    const from = range.from ?? Number.NEGATIVE_INFINITY;
    const to = range.to ?? Number.POSITIVE_INFINITY;
    // COPY takes no parameters: the values reach it as transaction-local settings, never as SQL text.
    const data = await this.db.transaction(async (tx) => {
      await tx.query(
        `SELECT set_config('wsp.query_ticker', $1, true), set_config('wsp.query_timeframe', $2, true),
                set_config('wsp.query_from', $3, true), set_config('wsp.query_to', $4, true)`,
        [ticker, timeframe, String(from), String(to)],
      );
      return tx.copyOutBinary(
        `SELECT ${BARS_COPY_OUT_COLUMNS} FROM bars
         WHERE ticker = current_setting('wsp.query_ticker') AND timeframe = current_setting('wsp.query_timeframe')
           AND ts >= to_timestamp(current_setting('wsp.query_from')::float8 / 1000)
           AND ts < to_timestamp(current_setting('wsp.query_to')::float8 / 1000)
         ORDER BY ts`,
      );
    });
    const bars = decodeBarsCopy(data);
    const n = bars.ts.length;
    if (n === 0) throw await this.emptyQueryError(ticker, timeframe, range);
    for (let i = 1; i < n; i++) {
      if (!(bars.ts[i] > bars.ts[i - 1]))
        throw new StoreError("bad_input", `stored ${ticker} ${timeframe} came back out of order at row ${i}`);
    }
    return { ticker, timeframe, ...bars };
  }

  /** Names the ticker/range asked for and what the store holds instead. */
  private async emptyQueryError(ticker: string, timeframe: Timeframe, range: TimeRange): Promise<StoreError> {
    const where = `in ${this.backend} store ${this.location} (schema ${this.schema})`;
    const rows = await this.db.query(
      `SELECT ticker, timeframe, rows::float8, ${EPOCH_MS("first_ts")}, ${EPOCH_MS("last_ts")}
       FROM series WHERE ticker = $1 ORDER BY timeframe`,
      [ticker],
    );
    const ofTicker = rows.map(toSeriesInfo);
    const same = ofTicker.find((s) => s.timeframe === timeframe);
    if (same) {
      const asked = `[${range.from === undefined ? "start" : isoOf(range.from)}, ${range.to === undefined ? "end" : isoOf(range.to)})`;
      return new StoreError(
        "empty_range",
        `no ${ticker} ${timeframe} bars in ${asked} ${where}; stored: ${describeSeries(same)}`,
      );
    }
    if (ofTicker.length > 0) {
      return new StoreError(
        "unknown_series",
        `no ${ticker} ${timeframe} bars ${where}; ${ticker} is stored at: ${ofTicker.map(describeSeries).join("; ")}`,
      );
    }
    const tickers = await this.db.query(`SELECT DISTINCT ticker FROM series ORDER BY ticker`);
    const names = tickers.map((r) => String(r[0]));
    const shown = names.length > 30 ? `${names.slice(0, 30).join(", ")} … (${names.length} in all)` : names.join(", ");
    return new StoreError(
      "unknown_series",
      `unknown ticker '${ticker}' ${where}; stored tickers: ${shown || "none (run `wsp data ingest --bundled`)"}`,
    );
  }

  async recordRun(run: NewRun): Promise<number> {
    const rows = await this.db.query(
      `INSERT INTO runs (kind, source, status, started_at, series, rows, report)
       VALUES ($1, $2, $3, to_timestamp($4::float8 / 1000), $5, $6, $7::jsonb) RETURNING id::float8`,
      [
        run.kind,
        run.source,
        run.status,
        run.startedAt ?? Date.now(),
        run.series ?? 0,
        run.rows ?? 0,
        JSON.stringify(run.report ?? null),
      ],
    );
    return num(rows[0][0]);
  }

  async runs(options: { kind?: RunKind; limit?: number } = {}): Promise<RunRecord[]> {
    const rows = await this.db.query(
      `SELECT id::float8, kind, source, status, ${EPOCH_MS("started_at")}, ${EPOCH_MS("finished_at")},
         series, rows::float8, report
       FROM runs WHERE ($1::text IS NULL OR kind = $1) ORDER BY id DESC LIMIT $2`,
      [options.kind ?? null, options.limit ?? 100],
    );
    return rows.map((r) => ({
      id: num(r[0]),
      kind: r[1] as RunKind,
      source: String(r[2]),
      status: r[3] as RunStatus,
      startedAt: num(r[4]),
      finishedAt: num(r[5]),
      series: num(r[6]),
      rows: num(r[7]),
      report: r[8],
    }));
  }

  insertSignal(signal: NewSignal): Promise<SignalInsert> {
    return insertSignal(this.db, signal);
  }

  listSignals(query: SignalQuery = {}): Promise<SignalPage> {
    return listSignals(this.db, query, Date.now());
  }

  markExpiredSignals(now: number = Date.now()): Promise<number> {
    return markExpiredSignals(this.db, now);
  }

  recordOutcomes(outcomes: readonly NewSignalOutcome[]): Promise<number> {
    return recordOutcomes(this.db, outcomes);
  }

  unevaluatedSignals(query: UnevaluatedQuery = {}): Promise<SignalRecord[]> {
    return unevaluatedSignals(this.db, query);
  }

  recentOutcomes(query: OutcomeQuery): Promise<SignalOutcome[]> {
    return recentOutcomes(this.db, query);
  }

  recordDriftCheck(check: NewDriftCheck): Promise<number> {
    return recordDriftCheck(this.db, check);
  }

  versionSignals(query: VersionSignalQuery): Promise<SignalRecord[]> {
    return versionSignals(this.db, query);
  }

  driftChecks(query: DriftCheckQuery): Promise<DriftCheckRecord[]> {
    return driftChecks(this.db, query);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
