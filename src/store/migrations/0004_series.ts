/**
 * A catalog of stored series kept up to date by every ingest, so that listing the store and
 * explaining an unknown ticker read a few hundred rows instead of aggregating all bars.
 */
export const seriesMigration = {
  version: 4,
  name: "series",
  sql: `
CREATE TABLE series (
  ticker    text NOT NULL,
  timeframe text NOT NULL,
  rows      bigint NOT NULL,
  first_ts  timestamptz NOT NULL,
  last_ts   timestamptz NOT NULL,
  PRIMARY KEY (ticker, timeframe)
);
INSERT INTO series (ticker, timeframe, rows, first_ts, last_ts)
SELECT ticker, timeframe, count(*), min(ts), max(ts) FROM bars GROUP BY ticker, timeframe;`,
} as const;
