/**
 * Bars keyed by (ticker, timeframe, ts); ts is the bar open time. The ticker CHECK is the
 * database's copy of the ticker rule in src/data/ticker.ts, which loaders and the store apply first.
 */
export const barsMigration = {
  version: 1,
  name: "bars",
  sql: `
CREATE TABLE bars (
  ticker    text NOT NULL CHECK (ticker ~ '^[^[:space:],]{1,32}$'),
  timeframe text NOT NULL CHECK (timeframe IN ('1m', '5m', '15m', '1h', '1d', '1w')),
  ts        timestamptz NOT NULL,
  open      double precision NOT NULL,
  high      double precision NOT NULL,
  low       double precision NOT NULL,
  close     double precision NOT NULL,
  volume    double precision,
  adj_close double precision,
  PRIMARY KEY (ticker, timeframe, ts)
);`,
} as const;
