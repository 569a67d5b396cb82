/**
 * The operational store: bars by (ticker, timeframe, ts), a log of ingest and validation runs, the
 * forecast service's trading signals, and what monitoring keeps: signal outcomes and drift checks.
 * PostgreSQL and the embedded PGlite implement it with the same SQL (see sqlStore.ts).
 */
import type { Bars, Timeframe } from "../data";
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
import type { NewSignal, SignalInsert, SignalPage, SignalQuery, SignalRecord } from "./signalTypes";

export type StoreBackend = "postgres" | "pglite";

/** One stored series and its extent; `first`/`last` are bar open times in UTC epoch ms. */
export interface SeriesInfo {
  readonly ticker: string;
  readonly timeframe: Timeframe;
  readonly rows: number;
  readonly first: number;
  readonly last: number;
}

/** Half-open range [from, to) in UTC epoch ms; either end may be omitted. */
export interface TimeRange {
  readonly from?: number;
  readonly to?: number;
}

export interface IngestOptions {
  /** Where the bars came from (a file path, "bundled"): recorded with the run. */
  readonly source?: string;
  /** Anything JSON-serialisable to keep with the run, typically the validation report. */
  readonly report?: unknown;
  /** Called after each COPY chunk with rows written so far (inside the transaction). */
  readonly onProgress?: (rowsDone: number, rowsTotal: number) => void;
  /**
   * Leave out series stored exactly as given (same content hash in the catalog); default false:
   * every series is rewritten.
   */
  readonly skipUnchanged?: boolean;
}

export interface IngestResult {
  readonly runId: number;
  readonly series: number;
  readonly rows: number;
  /** Rows that were already stored inside the ingested ranges and got replaced. */
  readonly replaced: number;
  /** Series left out because they were stored unchanged (only with `skipUnchanged`). */
  readonly unchanged: number;
}

export type RunKind = "ingest" | "validate";
export type RunStatus = "ok" | "warn" | "failed";

export interface NewRun {
  readonly kind: RunKind;
  readonly source: string;
  readonly status: RunStatus;
  /** UTC epoch ms; defaults to the time of recording. */
  readonly startedAt?: number;
  readonly series?: number;
  readonly rows?: number;
  readonly report?: unknown;
}

export interface RunRecord {
  readonly id: number;
  readonly kind: RunKind;
  readonly source: string;
  readonly status: RunStatus;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly series: number;
  readonly rows: number;
  readonly report: unknown;
}

export interface Store {
  readonly backend: StoreBackend;
  /** The masked PostgreSQL URL or the PGlite directory: for messages. */
  readonly location: string;
  readonly schema: string;
  /**
   * Writes all series in ONE transaction: each series' stored rows inside [first ts, last ts] are
   * replaced by the given bars (so re-ingesting is idempotent), then recorded as an ingest run
   * (`series` and `rows` of the run count what was written).
   * Any failure rolls everything back: nothing is written.
   */
  ingest(series: readonly Bars[], options?: IngestOptions): Promise<IngestResult>;
  /**
   * Adds bars after each series' last stored bar (a live feed or a paper run, a few bars per
   * close): one insert and the catalog moved on, without `ingest`'s range replace, recount,
   * statistics refresh and run record. A bar at or before its series' last stored bar is refused
   * and nothing is written. Returns the rows added.
   */
  append(series: readonly Bars[]): Promise<number>;
  listSeries(): Promise<SeriesInfo[]>;
  /** Bars of one series in [from, to). Throws StoreError("unknown_series" | "empty_range") naming what exists. */
  query(ticker: string, timeframe: Timeframe, range?: TimeRange): Promise<Bars>;
  recordRun(run: NewRun): Promise<number>;
  /** Most recent first. */
  runs(options?: { kind?: RunKind; limit?: number }): Promise<RunRecord[]>;
  /**
   * Stores a signal once per (symbol, barTs, modelName, modelVersion): when that key is stored
   * already, returns its id with `inserted: false` and changes nothing. Throws
   * StoreError("bad_signal") naming the first invalid field, before touching the database.
   */
  insertSignal(signal: NewSignal): Promise<SignalInsert>;
  /**
   * One page of signals, newest first, after marking the due ones expired (as markExpiredSignals
   * now), so no page shows a signal open past its expiry. Throws StoreError("bad_query") naming
   * an invalid field (including a cursor this store did not give out).
   */
  listSignals(query?: SignalQuery): Promise<SignalPage>;
  /**
   * Marks expired every signal neither executed nor expired whose expiresAt ≤ now (default: the
   * present), setting its expiredAt to now; rows are never deleted. Returns how many it marked.
   */
  markExpiredSignals(now?: number): Promise<number>;
  /**
   * Stores each matured signal's outcome once (a signal with an outcome already is left as it is)
   * and writes the signal's `performance` ({realizedClass, realizedReturn, correct, evaluatedAt})
   * with it, in one transaction. Returns how many it stored. Throws StoreError("bad_outcome")
   * naming the field (`outcomes[i].signalId` for an id no signal has), writing nothing.
   */
  recordOutcomes(outcomes: readonly NewSignalOutcome[]): Promise<number>;
  /** Signals (any status) without an outcome yet, by id ascending: what an evaluation examines. */
  unevaluatedSignals(query?: UnevaluatedQuery): Promise<SignalRecord[]>;
  /** A model's outcomes, the latest decided first (by horizon end, bar, signal id). */
  recentOutcomes(query: OutcomeQuery): Promise<SignalOutcome[]>;
  /** Stores one drift check; returns its id. Throws StoreError("bad_drift_check") naming the field. */
  recordDriftCheck(check: NewDriftCheck): Promise<number>;
  /**
   * One model version's signals over bars [from, to] or its latest `last` bars (at most 100,000,
   * the latest), oldest bar first. Throws StoreError("bad_query") naming the field.
   */
  versionSignals(query: VersionSignalQuery): Promise<SignalRecord[]>;
  /** A model's drift checks, the latest first. */
  driftChecks(query: DriftCheckQuery): Promise<DriftCheckRecord[]>;
  close(): Promise<void>;
}
