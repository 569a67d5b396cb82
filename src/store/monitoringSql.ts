/**
 * The monitoring methods of the store (tables `signal_outcomes` and `drift_monitoring`,
 * migration 0007), in the SQL both backends share.
 *
 * Recording outcomes is idempotent per signal: the insert is ON CONFLICT (signal_id) DO NOTHING,
 * and the signal's `performance` is written in the same statement for the rows actually inserted,
 * so a second evaluation (or a concurrent one) changes neither table. The signal columns of an
 * outcome (symbol, bar, model, version, regime) and the forecast's probability of the realised
 * class are read from the signal row by the insert, not taken from the caller.
 */
import {
  type CheckedOutcomeQuery,
  checkAgainstSignals,
  checkDriftCheckQuery,
  checkNewDriftCheck,
  checkNewOutcomes,
  checkOutcomeQuery,
  checkUnevaluatedQuery,
  checkVersionSignalQuery,
  DEFAULT_DRIFT_CHECK_LIMIT,
  MAX_VERSION_SIGNALS,
  type OutcomeSignal,
} from "./monitoringCheck";
import type {
  AccuracyBand,
  DriftCheckQuery,
  DriftCheckRecord,
  DriftVerdict,
  NewDriftCheck,
  NewSignalOutcome,
  OutcomeQuery,
  SignalOutcome,
  UnevaluatedQuery,
  VersionSignalQuery,
} from "./monitoringTypes";
import { SIGNAL_COLUMNS, toSignal } from "./signalSql";
import type { SignalRecord } from "./signalTypes";
import type { SqlClient, SqlQueries } from "./sqlClient";
import { EPOCH_MS, FROM_MS } from "./sqlTime";

/** Stores the outcomes not stored yet; returns how many it stored. */
export async function recordOutcomes(db: SqlClient, outcomes: readonly NewSignalOutcome[]): Promise<number> {
  checkNewOutcomes(outcomes);
  if (outcomes.length === 0) return 0;
  const ids = outcomes.map((o) => o.signalId);
  return db.transaction(async (tx) => {
    const rows = await tx.query(
      `SELECT id::float8, ${EPOCH_MS("bar_ts")}, probabilities FROM trading_signals WHERE id = ANY ($1::float8[]::bigint[])`,
      [ids],
    );
    const signals = new Map<number, OutcomeSignal>(
      rows.map((r) => [Number(r[0]), { barTs: Number(r[1]), classes: Object.keys(r[2] as object) }]),
    );
    checkAgainstSignals(outcomes, signals);
    const [[stored]] = await tx.query(
      `WITH u AS (
         SELECT * FROM unnest($1::float8[], $2::float8[], $3::text[], $4::float8[], $5::text[], $6::float8[])
           AS u (id, end_ms, realized_class, realized_return, predicted_class, evaluated_ms)),
       o AS (
         INSERT INTO signal_outcomes (signal_id, symbol, bar_ts, model_name, model_version, horizon_end_ts,
           realized_class, realized_return, predicted_class, p_realized, regime, evaluated_at)
         SELECT s.id, s.symbol, s.bar_ts, s.model_name, s.model_version, ${FROM_MS("u.end_ms")},
           u.realized_class, u.realized_return, u.predicted_class, (s.probabilities ->> u.realized_class)::float8,
           s.regime, ${FROM_MS("u.evaluated_ms")}
         FROM u JOIN trading_signals s ON s.id = u.id::bigint
         -- Racing evaluations take the rows' locks in one order, so they cannot deadlock.
         ORDER BY s.id
         ON CONFLICT (signal_id) DO NOTHING
         RETURNING signal_id, realized_class, realized_return, correct, evaluated_at),
       p AS (
         UPDATE trading_signals t SET performance = jsonb_build_object(
             'realizedClass', o.realized_class, 'realizedReturn', o.realized_return, 'correct', o.correct,
             'evaluatedAt', to_char(o.evaluated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
         FROM o WHERE t.id = o.signal_id
         RETURNING 1)
       SELECT count(*)::float8 FROM p`,
      [
        ids,
        outcomes.map((o) => o.horizonEndTs),
        outcomes.map((o) => o.realized?.className ?? null),
        outcomes.map((o) => o.realized?.return ?? null),
        outcomes.map((o) => o.predictedClass),
        outcomes.map((o) => o.evaluatedAt),
      ],
    );
    return Number(stored);
  });
}

/**
 * Signals without an outcome, oldest id first. A signal's `performance` is written only with its
 * outcome (recordOutcomes, one statement), so `performance IS NULL` is "no outcome", and it reads
 * the partial index of unjudged signals (migration 0007) rather than every signal ever stored.
 */
export async function unevaluatedSignals(db: SqlQueries, q: UnevaluatedQuery): Promise<SignalRecord[]> {
  const { model, afterId, limit } = checkUnevaluatedQuery(q);
  const rows = await db.query(
    `SELECT ${SIGNAL_COLUMNS} FROM trading_signals
     WHERE performance IS NULL AND ($1::text IS NULL OR model_name = $1) AND id > $2::float8::bigint
     ORDER BY id LIMIT $3`,
    [model, afterId, limit],
  );
  return rows.map(toSignal);
}

function toOutcome(r: unknown[]): SignalOutcome {
  return {
    signalId: Number(r[0]),
    symbol: String(r[1]),
    barTs: Number(r[2]),
    modelName: String(r[3]),
    modelVersion: String(r[4]),
    horizonEndTs: Number(r[5]),
    realized:
      r[6] === null
        ? null
        : { className: String(r[6]), return: Number(r[7]), pRealized: Number(r[9]), correct: r[10] === true },
    predictedClass: String(r[8]),
    regime: r[11] === null ? null : String(r[11]),
    evaluatedAt: Number(r[12]),
    probabilities: r[13] as Record<string, number>,
  };
}

/** The latest decided outcomes first: by horizon end, then bar, then signal id, all descending. */
export async function recentOutcomes(db: SqlQueries, q: OutcomeQuery): Promise<SignalOutcome[]> {
  const { model, version, limit, includeUnlabelled }: CheckedOutcomeQuery = checkOutcomeQuery(q);
  const rows = await db.query(
    `SELECT o.signal_id::float8, o.symbol, ${EPOCH_MS("o.bar_ts")}, o.model_name, o.model_version,
       ${EPOCH_MS("o.horizon_end_ts")}, o.realized_class, o.realized_return, o.predicted_class, o.p_realized,
       o.correct, o.regime, ${EPOCH_MS("o.evaluated_at")}, s.probabilities
     FROM signal_outcomes o JOIN trading_signals s ON s.id = o.signal_id
     WHERE o.model_name = $1 AND ($2::text IS NULL OR o.model_version = $2)
       AND ($3::boolean OR o.realized_class IS NOT NULL)
     ORDER BY o.horizon_end_ts DESC, o.bar_ts DESC, o.signal_id DESC
     LIMIT $4`,
    [model, version, includeUnlabelled, limit],
  );
  return rows.map(toOutcome);
}

export async function recordDriftCheck(db: SqlQueries, c: NewDriftCheck): Promise<number> {
  checkNewDriftCheck(c);
  const [[id]] = await db.query(
    `INSERT INTO drift_monitoring (model_name, model_version, checked_at, window_from, window_to, n_rows,
       rolling_accuracy, baseline_accuracy, band, confirmed_band, verdict, prediction_psi, max_feature_psi,
       drifted_features, report, mlflow_run_id, pending_band, pending_count)
     VALUES ($1, $2, ${FROM_MS("$3")}, ${FROM_MS("$4")}, ${FROM_MS("$5")}, $6, $7, $8, $9, $10, $11, $12, $13,
       $14::jsonb, $15::jsonb, $16, $17, $18)
     RETURNING id::float8`,
    [
      c.modelName,
      c.modelVersion,
      c.checkedAt,
      c.windowFrom,
      c.windowTo,
      c.nRows,
      c.accuracy?.rolling ?? null,
      c.baselineAccuracy,
      c.accuracy?.band ?? null,
      c.confirmedBand,
      c.verdict,
      c.predictionPsi,
      c.maxFeaturePsi,
      JSON.stringify(c.driftedFeatures),
      JSON.stringify(c.report),
      c.mlflowRunId,
      c.pending?.band ?? null,
      c.pending?.count ?? null,
    ],
  );
  return Number(id);
}

/** The model's drift checks, the latest first. */
export async function driftChecks(db: SqlQueries, q: DriftCheckQuery): Promise<DriftCheckRecord[]> {
  checkDriftCheckQuery(q);
  const rows = await db.query(
    `SELECT id::float8, model_name, model_version, ${EPOCH_MS("checked_at")}, ${EPOCH_MS("window_from")},
       ${EPOCH_MS("window_to")}, n_rows, rolling_accuracy, baseline_accuracy, band, confirmed_band, verdict,
       prediction_psi, max_feature_psi, drifted_features, report, mlflow_run_id, pending_band, pending_count
     FROM drift_monitoring
     WHERE model_name = $1 AND ($2::text IS NULL OR model_version = $2)
     ORDER BY checked_at DESC, id DESC LIMIT $3`,
    [q.model, q.version ?? null, q.limit ?? DEFAULT_DRIFT_CHECK_LIMIT],
  );
  const orNull = (v: unknown) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    id: Number(r[0]),
    modelName: String(r[1]),
    modelVersion: String(r[2]),
    checkedAt: Number(r[3]),
    windowFrom: Number(r[4]),
    windowTo: Number(r[5]),
    nRows: Number(r[6]),
    accuracy: r[7] === null ? null : { rolling: Number(r[7]), band: r[9] === null ? null : (r[9] as AccuracyBand) },
    baselineAccuracy: orNull(r[8]),
    confirmedBand: r[10] === null ? null : (r[10] as AccuracyBand),
    pending: r[17] === null ? null : { band: r[17] as AccuracyBand, count: Number(r[18]) },
    verdict: r[11] as DriftVerdict,
    predictionPsi: orNull(r[12]),
    maxFeaturePsi: orNull(r[13]),
    driftedFeatures: r[14] as string[],
    report: r[15],
    mlflowRunId: r[16] === null ? null : String(r[16]),
  }));
}

/**
 * One model version's signals by bar, oldest bar first: those of bars in [from, to], or of its
 * latest `last` bars (read newest first through the version's bar index, then put in order).
 */
export async function versionSignals(db: SqlQueries, q: VersionSignalQuery): Promise<SignalRecord[]> {
  const c = checkVersionSignalQuery(q);
  const rows = await db.query(
    `SELECT * FROM (
       SELECT ${SIGNAL_COLUMNS}, bar_ts AS order_ts FROM trading_signals
       WHERE model_name = $1 AND model_version = $2
         AND ($3::float8 IS NULL OR bar_ts >= ${FROM_MS("$3")})
         AND ($4::float8 IS NULL OR bar_ts <= ${FROM_MS("$4")})
       ORDER BY bar_ts DESC, id DESC
       LIMIT $5) v
     ORDER BY order_ts, 1`,
    [c.model, c.version, c.from, c.to, c.last ?? MAX_VERSION_SIGNALS],
  );
  return rows.map(toSignal);
}
