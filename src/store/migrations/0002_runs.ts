/** The log of ingest and validation runs, each with its report as JSON. */
export const runsMigration = {
  version: 2,
  name: "runs",
  sql: `
CREATE TABLE runs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('ingest', 'validate')),
  source      text NOT NULL,
  status      text NOT NULL CHECK (status IN ('ok', 'warn', 'failed')),
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now(),
  series      integer NOT NULL DEFAULT 0,
  rows        bigint NOT NULL DEFAULT 0,
  report      jsonb
);
CREATE INDEX runs_kind_id ON runs (kind, id DESC);`,
} as const;
