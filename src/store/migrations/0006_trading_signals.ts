/**
 * The forecast service's signals: one row per (symbol, bar, model name, model version), so a
 * forecast repeated for the same bar and version is stored once. Times are timestamptz like
 * every other table here (bars.ts, runs.started_at); the store reads and writes them as UTC
 * epoch ms. An expired signal is marked (expired_at set), never deleted, so its performance can
 * still be judged; an executed signal is never marked expired, hence the last CHECK. The symbol
 * CHECK is the bars table's copy of the ticker rule (src/data/ticker.ts). The partial index
 * holds only open signals: the expiry sweep and `status: open` reads touch those alone.
 */
export const tradingSignalsMigration = {
  version: 6,
  name: "trading_signals",
  sql: `
CREATE TABLE trading_signals (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  symbol        text NOT NULL CHECK (symbol ~ '^[^[:space:],]{1,32}$'),
  signal_type   text NOT NULL CHECK (signal_type IN ('long', 'short', 'none')),
  confidence    double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  target_price  double precision CHECK (target_price > 0),
  stop_loss     double precision CHECK (stop_loss > 0),
  position_size double precision NOT NULL CHECK (position_size >= 0),
  reasoning     text NOT NULL,
  model_name    text NOT NULL CHECK (model_name <> ''),
  model_version text NOT NULL CHECK (model_version <> ''),
  bar_ts        timestamptz NOT NULL,
  features      jsonb NOT NULL,
  feature_hash  text NOT NULL,
  probabilities jsonb NOT NULL,
  regime        text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL CHECK (expires_at > bar_ts),
  executed      boolean NOT NULL DEFAULT false,
  expired_at    timestamptz,
  performance   jsonb,
  CONSTRAINT trading_signals_once UNIQUE (symbol, bar_ts, model_name, model_version),
  CONSTRAINT trading_signals_executed_not_expired CHECK (NOT (executed AND expired_at IS NOT NULL))
);
CREATE INDEX trading_signals_symbol_created ON trading_signals (symbol, created_at, id);
CREATE INDEX trading_signals_created ON trading_signals (created_at, id);
CREATE INDEX trading_signals_open ON trading_signals (expires_at) WHERE NOT executed AND expired_at IS NULL;`,
} as const;
