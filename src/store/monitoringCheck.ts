/**
 * Checks of what the monitoring methods are given, before any SQL: each failure is a StoreError
 * naming the field (`outcomes[3].horizonEndTs`, `driftCheck.verdict`, `query.limit`), as
 * signalCheck.ts does for signals. Runtime types are checked too: outcomes and drift checks come
 * from jobs whose payloads are JSON.
 */
import type {
  AccuracyBand,
  DriftCheckQuery,
  DriftVerdict,
  NewDriftCheck,
  NewSignalOutcome,
  OutcomeQuery,
  UnevaluatedQuery,
  VersionSignalQuery,
} from "./monitoringTypes";
import { isEpochMs, isFiniteIn, isoOf, isRecord, shown } from "./signalCheck";
import { StoreError, type StoreErrorCode } from "./storeError";

const BANDS: readonly AccuracyBand[] = ["normal", "monitor", "drift", "emergency"];
const VERDICTS: readonly DriftVerdict[] = ["ok", "drift", "emergency"];
export const DEFAULT_OUTCOME_LIMIT = 100;
export const MAX_OUTCOME_LIMIT = 10_000;
export const DEFAULT_UNEVALUATED_LIMIT = 1000;
export const DEFAULT_DRIFT_CHECK_LIMIT = 100;
export const MAX_DRIFT_CHECK_LIMIT = 1000;

/** Declared, so that a call narrows what follows it (TypeScript needs an explicit type for that). */
type Fail = (field: string, value: unknown, expected: string) => never;

function failer(code: StoreErrorCode, what: string): Fail {
  return (field, value, expected) => {
    throw new StoreError(code, `${what} field ${field} = ${shown(value)}: expected ${expected}`, { field });
  };
}

const isNonEmpty = (v: unknown): v is string => typeof v === "string" && v !== "";

/** Throws bad_outcome for the first invalid field of the first invalid outcome. */
export function checkNewOutcomes(outcomes: readonly NewSignalOutcome[]): void {
  const fail: Fail = failer("bad_outcome", "signal outcome");
  if (!Array.isArray(outcomes)) fail("outcomes", outcomes, "an array of outcomes");
  const seen = new Map<number, number>();
  outcomes.forEach((o, i) => {
    const at = `outcomes[${i}]`;
    if (!isRecord(o as unknown)) fail(at, o, "an object with the fields of NewSignalOutcome");
    if (!Number.isSafeInteger(o.signalId) || o.signalId < 1) fail(`${at}.signalId`, o.signalId, "a signal id");
    const earlier = seen.get(o.signalId);
    if (earlier !== undefined)
      fail(`${at}.signalId`, o.signalId, `one outcome per signal (outcomes[${earlier}] has it)`);
    seen.set(o.signalId, i);
    if (!isEpochMs(o.horizonEndTs)) fail(`${at}.horizonEndTs`, o.horizonEndTs, "an integral UTC epoch-ms timestamp");
    if (o.realized !== null) {
      if (!isRecord(o.realized as unknown)) fail(`${at}.realized`, o.realized, "{ className, return } or null");
      if (!isNonEmpty(o.realized.className)) fail(`${at}.realized.className`, o.realized.className, "a class name");
      if (!isFiniteIn(o.realized.return, -Number.MAX_VALUE, Number.MAX_VALUE)) {
        fail(`${at}.realized.return`, o.realized.return, "a finite return");
      }
    }
    if (!isNonEmpty(o.predictedClass)) fail(`${at}.predictedClass`, o.predictedClass, "a class name");
    if (!isEpochMs(o.evaluatedAt)) fail(`${at}.evaluatedAt`, o.evaluatedAt, "an integral UTC epoch-ms timestamp");
  });
}

/** The stored signal an outcome refers to, as far as the outcome's checks need it. */
export interface OutcomeSignal {
  readonly barTs: number;
  readonly classes: readonly string[];
}

/** Throws bad_outcome when an outcome does not fit its stored signal (or there is none). */
export function checkAgainstSignals(
  outcomes: readonly NewSignalOutcome[],
  signals: ReadonlyMap<number, OutcomeSignal>,
): void {
  const fail: Fail = failer("bad_outcome", "signal outcome");
  outcomes.forEach((o, i) => {
    const at = `outcomes[${i}]`;
    const s = signals.get(o.signalId);
    if (s === undefined) fail(`${at}.signalId`, o.signalId, "the id of a stored signal");
    if (o.horizonEndTs <= s.barTs) {
      fail(`${at}.horizonEndTs`, o.horizonEndTs, `a time after the signal's bar (${isoOf(s.barTs)})`);
    }
    if (o.realized !== null && !s.classes.includes(o.realized.className)) {
      fail(`${at}.realized.className`, o.realized.className, `one of the signal's classes (${s.classes.join(", ")})`);
    }
  });
}

function checkLimit(code: StoreErrorCode, what: string, limit: unknown, max: number): void {
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > max) {
    failer(code, what)("limit", limit, `an integer in 1..${max}`);
  }
}

export interface CheckedOutcomeQuery {
  readonly model: string;
  readonly version: string | null;
  readonly limit: number;
  readonly includeUnlabelled: boolean;
}

export function checkOutcomeQuery(q: OutcomeQuery): CheckedOutcomeQuery {
  const fail: Fail = failer("bad_query", "outcome query");
  if (!isNonEmpty(q.model)) fail("model", q.model, "a model name");
  if (q.version !== undefined && !isNonEmpty(q.version)) fail("version", q.version, "a version, or absent");
  const limit = q.limit ?? DEFAULT_OUTCOME_LIMIT;
  checkLimit("bad_query", "outcome query", limit, MAX_OUTCOME_LIMIT);
  return { model: q.model, version: q.version ?? null, limit, includeUnlabelled: q.includeUnlabelled ?? false };
}

export function checkUnevaluatedQuery(q: UnevaluatedQuery): { model: string | null; afterId: number; limit: number } {
  const fail: Fail = failer("bad_query", "unevaluated-signal query");
  if (q.model !== undefined && !isNonEmpty(q.model)) fail("model", q.model, "a model name, or absent");
  const afterId = q.afterId ?? 0;
  if (!Number.isSafeInteger(afterId) || afterId < 0) fail("afterId", afterId, "a signal id, or absent");
  const limit = q.limit ?? DEFAULT_UNEVALUATED_LIMIT;
  checkLimit("bad_query", "unevaluated-signal query", limit, MAX_OUTCOME_LIMIT);
  return { model: q.model ?? null, afterId, limit };
}

export function checkDriftCheckQuery(q: DriftCheckQuery): void {
  const fail: Fail = failer("bad_query", "drift-check query");
  if (!isNonEmpty(q.model)) fail("model", q.model, "a model name");
  if (q.version !== undefined && !isNonEmpty(q.version)) fail("version", q.version, "a version, or absent");
  checkLimit("bad_query", "drift-check query", q.limit ?? DEFAULT_DRIFT_CHECK_LIMIT, MAX_DRIFT_CHECK_LIMIT);
}

export const MAX_VERSION_SIGNALS = 100_000;

/** The checked query: a bar range (open ends null) or the latest n. */
export type CheckedVersionSignalQuery =
  | { model: string; version: string; from: number | null; to: number | null; last: null }
  | { model: string; version: string; from: null; to: null; last: number };

export function checkVersionSignalQuery(q: VersionSignalQuery): CheckedVersionSignalQuery {
  const fail: Fail = failer("bad_query", "version-signal query");
  if (!isNonEmpty(q.model)) fail("model", q.model, "a model name");
  if (!isNonEmpty(q.version)) fail("version", q.version, "a version");
  if ("last" in q) {
    if (!Number.isInteger(q.last) || q.last < 1 || q.last > MAX_VERSION_SIGNALS) {
      fail("last", q.last, `an integer in 1..${MAX_VERSION_SIGNALS}`);
    }
    return { model: q.model, version: q.version, from: null, to: null, last: q.last };
  }
  for (const field of ["from", "to"] as const) {
    if (q[field] !== undefined && !isEpochMs(q[field]))
      fail(field, q[field], "an integral UTC epoch-ms timestamp, or absent");
  }
  const from = q.from ?? null;
  const to = q.to ?? null;
  if (from !== null && to !== null && to < from) fail("to", to, `a time not before from (${isoOf(from)})`);
  return { model: q.model, version: q.version, from, to, last: null };
}

const isProbability = (v: unknown) => isFiniteIn(v, 0, 1);
const isPsi = (v: unknown) => v === null || isFiniteIn(v, 0, Number.MAX_VALUE);

/** Throws bad_drift_check for the first invalid field of `c`, in declaration order. */
export function checkNewDriftCheck(c: NewDriftCheck): void {
  const fail: Fail = failer("bad_drift_check", "drift check");
  if (!isRecord(c as unknown)) fail("driftCheck", c, "an object with the fields of NewDriftCheck");
  if (!isNonEmpty(c.modelName)) fail("modelName", c.modelName, "a model name");
  if (!isNonEmpty(c.modelVersion)) fail("modelVersion", c.modelVersion, "a version");
  for (const field of ["checkedAt", "windowFrom", "windowTo"] as const) {
    if (!isEpochMs(c[field])) fail(field, c[field], "an integral UTC epoch-ms timestamp");
  }
  if (c.windowTo < c.windowFrom) fail("windowTo", c.windowTo, `a time not before windowFrom (${isoOf(c.windowFrom)})`);
  if (!Number.isSafeInteger(c.nRows) || c.nRows < 0 || c.nRows > 2 ** 31 - 1) {
    fail("nRows", c.nRows, "a row count ≥ 0");
  }
  if (c.accuracy !== null) {
    if (!isRecord(c.accuracy as unknown)) fail("accuracy", c.accuracy, "{ rolling, band } or null");
    if (!isProbability(c.accuracy.rolling)) fail("accuracy.rolling", c.accuracy.rolling, "an accuracy in [0, 1]");
    if (c.accuracy.band !== null && !BANDS.includes(c.accuracy.band)) {
      fail("accuracy.band", c.accuracy.band, `one of ${BANDS.join(", ")}, or null`);
    }
  }
  if (c.baselineAccuracy !== null && !isProbability(c.baselineAccuracy)) {
    fail("baselineAccuracy", c.baselineAccuracy, "an accuracy in [0, 1], or null");
  }
  if (c.confirmedBand !== null && !BANDS.includes(c.confirmedBand)) {
    fail("confirmedBand", c.confirmedBand, `one of ${BANDS.join(", ")}, or null`);
  }
  if (c.pending !== null) {
    if (!isRecord(c.pending as unknown)) fail("pending", c.pending, "{ band, count } or null");
    if (!BANDS.includes(c.pending.band)) fail("pending.band", c.pending.band, `one of ${BANDS.join(", ")}`);
    if (!Number.isSafeInteger(c.pending.count) || c.pending.count < 1 || c.pending.count > 2 ** 31 - 1) {
      fail("pending.count", c.pending.count, "a count of checks ≥ 1");
    }
  }
  if (!VERDICTS.includes(c.verdict)) fail("verdict", c.verdict, `one of ${VERDICTS.join(", ")}`);
  if (!isPsi(c.predictionPsi)) fail("predictionPsi", c.predictionPsi, "a PSI ≥ 0, or null");
  if (!isPsi(c.maxFeaturePsi)) fail("maxFeaturePsi", c.maxFeaturePsi, "a PSI ≥ 0, or null");
  if (!Array.isArray(c.driftedFeatures)) fail("driftedFeatures", c.driftedFeatures, "an array of feature names");
  c.driftedFeatures.forEach((f, i) => {
    if (!isNonEmpty(f)) fail(`driftedFeatures[${i}]`, f, "a feature name");
  });
  if (c.report === undefined) fail("report", c.report, "the check's table (JSON)");
  if (c.mlflowRunId !== null && !isNonEmpty(c.mlflowRunId)) fail("mlflowRunId", c.mlflowRunId, "a run id, or null");
}
