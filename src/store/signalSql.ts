/**
 * The signal methods of the store (table `trading_signals`, migration 0006), in the SQL both
 * backends share. Inserting is idempotent per (symbol, bar_ts, model_name, model_version): ON
 * CONFLICT DO NOTHING, then a separate read of the existing id, a statement of its own so that
 * on PostgreSQL it sees a row a concurrent writer committed after our insert began waiting.
 * Reads page by keyset on (created_at desc, id desc): stable under concurrent inserts, and
 * equal created_at values are ordered by id, so no row is skipped or repeated.
 */
import { checkNewSignal, checkSignalQuery, checkSweepTime, isoOf } from "./signalCheck";
import { decodeCursor, encodeCursor, type SignalPosition } from "./signalCursor";
import type {
  NewSignal,
  SignalInsert,
  SignalPage,
  SignalPerformance,
  SignalQuery,
  SignalRecord,
  SignalStatus,
  SignalType,
} from "./signalTypes";
import type { SqlQueries } from "./sqlClient";
import { EPOCH_MS, FROM_MS } from "./sqlTime";

const KEY_WHERE = `symbol = $1 AND bar_ts = ${FROM_MS("$2")} AND model_name = $3 AND model_version = $4`;

export async function insertSignal(db: SqlQueries, s: NewSignal): Promise<SignalInsert> {
  checkNewSignal(s);
  const inserted = await db.query(
    `INSERT INTO trading_signals (symbol, bar_ts, model_name, model_version, signal_type, confidence,
       target_price, stop_loss, position_size, reasoning, features, feature_hash, probabilities, regime,
       created_at, expires_at)
     VALUES ($1, ${FROM_MS("$2")}, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13::jsonb, $14,
       ${FROM_MS("$15")}, ${FROM_MS("$16")})
     ON CONFLICT (symbol, bar_ts, model_name, model_version) DO NOTHING
     RETURNING id::float8`,
    [
      s.symbol,
      s.barTs,
      s.modelName,
      s.modelVersion,
      s.signalType,
      s.confidence,
      s.targetPrice,
      s.stopLoss,
      s.positionSize,
      s.reasoning,
      // JSON has no NaN or ±Infinity: JSON.stringify writes them as null, and they read back so.
      JSON.stringify(s.features),
      s.featureHash,
      JSON.stringify(s.probabilities),
      s.regime,
      s.createdAt ?? Date.now(),
      s.expiresAt,
    ],
  );
  if (inserted.length > 0) return { id: Number(inserted[0][0]), inserted: true };
  const existing = await db.query(`SELECT id::float8 FROM trading_signals WHERE ${KEY_WHERE}`, [
    s.symbol,
    s.barTs,
    s.modelName,
    s.modelVersion,
  ]);
  if (existing.length === 0) {
    // Signals are never deleted, so a conflicting row cannot have gone: this is a broken table.
    throw new Error(
      `signal ${s.symbol} at ${isoOf(s.barTs)} by ${s.modelName} ${s.modelVersion} conflicted with a stored row that cannot be read back`,
    );
  }
  return { id: Number(existing[0][0]), inserted: false };
}

export async function markExpiredSignals(db: SqlQueries, now: number): Promise<number> {
  checkSweepTime(now);
  const [[marked]] = await db.query(
    `WITH m AS (
       UPDATE trading_signals SET expired_at = ${FROM_MS("$1")}
       WHERE NOT executed AND expired_at IS NULL AND expires_at <= ${FROM_MS("$1")}
       RETURNING 1)
     SELECT count(*)::float8 FROM m`,
    [now],
  );
  return Number(marked);
}

/** The columns `toSignal` reads, in its order; unqualified, so a query naming them reads trading_signals alone. */
export const SIGNAL_COLUMNS = `id::float8, symbol, signal_type, confidence, target_price, stop_loss, position_size,
  reasoning, model_name, model_version, ${EPOCH_MS("bar_ts")}, features, feature_hash, probabilities, regime,
  ${EPOCH_MS("expires_at")}, ${EPOCH_MS("created_at")}, executed, ${EPOCH_MS("expired_at")}, performance,
  (extract(epoch FROM created_at) * 1000000)::bigint::text`;

function statusOf(executed: boolean, expiredAt: number | null): SignalStatus {
  if (executed) return "executed";
  return expiredAt === null ? "open" : "expired";
}

export function toSignal(r: unknown[]): SignalRecord {
  const executed = r[17] === true;
  const expiredAt = r[18] === null ? null : Number(r[18]);
  return {
    id: Number(r[0]),
    symbol: String(r[1]),
    signalType: r[2] as SignalType,
    confidence: Number(r[3]),
    targetPrice: r[4] === null ? null : Number(r[4]),
    stopLoss: r[5] === null ? null : Number(r[5]),
    positionSize: Number(r[6]),
    reasoning: String(r[7]),
    modelName: String(r[8]),
    modelVersion: String(r[9]),
    barTs: Number(r[10]),
    features: r[11] as Record<string, number | null>,
    featureHash: String(r[12]),
    probabilities: r[13] as Record<string, number>,
    regime: r[14] === null ? null : String(r[14]),
    expiresAt: Number(r[15]),
    createdAt: Number(r[16]),
    executed,
    expiredAt,
    performance: r[19] as SignalPerformance | null,
    status: statusOf(executed, expiredAt),
  };
}

/** Marks due signals expired first (at `now`), so a page never shows a signal open past its expiry. */
export async function listSignals(db: SqlQueries, q: SignalQuery, now: number): Promise<SignalPage> {
  const { ticker, model, version, from, to, status, limit } = checkSignalQuery(q);
  const after: SignalPosition | null = q.cursor === undefined || q.cursor === null ? null : decodeCursor(q.cursor);
  await markExpiredSignals(db, now);
  // One row past the page tells whether another page follows.
  const rows = await db.query(
    `SELECT ${SIGNAL_COLUMNS} FROM trading_signals
     WHERE ($1::text IS NULL OR symbol = $1)
       AND ($2::float8 IS NULL OR created_at >= ${FROM_MS("$2")})
       AND ($3::float8 IS NULL OR created_at < ${FROM_MS("$3")})
       AND CASE $4::text
             WHEN 'open' THEN NOT executed AND expired_at IS NULL
             WHEN 'expired' THEN expired_at IS NOT NULL
             WHEN 'executed' THEN executed
             ELSE true END
       AND ($5::float8 IS NULL
            OR (created_at, id) < (timestamptz 'epoch' + $5::float8 * interval '1 microsecond', $6::bigint))
       AND ($8::text IS NULL OR model_name = $8)
       AND ($9::text IS NULL OR model_version = $9)
     ORDER BY created_at DESC, id DESC
     LIMIT $7`,
    [ticker, from, to, status, after?.createdAtUs ?? null, after?.id ?? null, limit + 1, model, version],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit ? encodeCursor({ createdAtUs: Number(last[20]), id: Number(last[0]) }) : null;
  return { signals: page.map(toSignal), next };
}
