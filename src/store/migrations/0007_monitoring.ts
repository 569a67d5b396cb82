/**
 * What monitoring keeps about served models (issue 18; docs/architecture.md, "Outcomes of
 * served signals").
 *
 * `signal_outcomes`: one row per matured signal, what its label turned out to be. The signal's
 * identity (symbol, bar, model, version) and regime are copied from `trading_signals` by the
 * insert itself, never taken from the caller, so an outcome cannot disagree with its signal;
 * `correct` is generated from the two classes for the same reason. A signal can mature without a
 * label (its window crosses a session, or a price or volatility it reads is NaN: the labeller
 * leaves that row absent, as training did): the four label columns are then all null, hence the
 * all-or-none CHECK. Reads go newest decision first per model version, hence the index. The
 * signal's `performance` is written in the statement that stores its outcome, so the partial
 * index of signals without one holds exactly those an evaluation still has to look at: its
 * search stays as small as the signals waiting to mature, however many have been judged.
 *
 * `drift_monitoring`: one row per drift check of a model version. `rolling_accuracy` and `band`
 * are null until 100 outcomes have matured; `confirmed_band` is the band after hysteresis (two
 * checks in a row agree), so it may lag `band`.
 */
export const monitoringMigration = {
  version: 7,
  name: "monitoring",
  sql: `
CREATE TABLE signal_outcomes (
  signal_id       bigint PRIMARY KEY REFERENCES trading_signals (id),
  symbol          text NOT NULL,
  bar_ts          timestamptz NOT NULL,
  model_name      text NOT NULL,
  model_version   text NOT NULL,
  horizon_end_ts  timestamptz NOT NULL CHECK (horizon_end_ts > bar_ts),
  realized_class  text CHECK (realized_class <> ''),
  realized_return double precision,
  predicted_class text NOT NULL CHECK (predicted_class <> ''),
  p_realized      double precision CHECK (p_realized >= 0 AND p_realized <= 1),
  correct         boolean GENERATED ALWAYS AS (predicted_class = realized_class) STORED,
  regime          text,
  evaluated_at    timestamptz NOT NULL,
  CONSTRAINT signal_outcomes_label_all_or_none CHECK (
    (realized_class IS NULL) = (realized_return IS NULL) AND (realized_class IS NULL) = (p_realized IS NULL))
);
CREATE INDEX trading_signals_unevaluated ON trading_signals (id) WHERE performance IS NULL;
CREATE INDEX signal_outcomes_model_recent
  ON signal_outcomes (model_name, model_version, horizon_end_ts DESC, bar_ts DESC, signal_id DESC);

CREATE TABLE drift_monitoring (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_name        text NOT NULL CHECK (model_name <> ''),
  model_version     text NOT NULL CHECK (model_version <> ''),
  checked_at        timestamptz NOT NULL,
  window_from       timestamptz NOT NULL,
  window_to         timestamptz NOT NULL CHECK (window_to >= window_from),
  n_rows            integer NOT NULL CHECK (n_rows >= 0),
  rolling_accuracy  double precision CHECK (rolling_accuracy >= 0 AND rolling_accuracy <= 1),
  baseline_accuracy double precision CHECK (baseline_accuracy >= 0 AND baseline_accuracy <= 1),
  band              text CHECK (band IN ('normal', 'monitor', 'drift', 'emergency')),
  confirmed_band    text CHECK (confirmed_band IN ('normal', 'monitor', 'drift', 'emergency')),
  verdict           text NOT NULL CHECK (verdict IN ('ok', 'drift', 'emergency')),
  prediction_psi    double precision CHECK (prediction_psi >= 0),
  max_feature_psi   double precision CHECK (max_feature_psi >= 0),
  drifted_features  jsonb NOT NULL,
  report            jsonb NOT NULL,
  mlflow_run_id     text CHECK (mlflow_run_id <> ''),
  CONSTRAINT drift_monitoring_band_needs_accuracy CHECK (band IS NULL OR rolling_accuracy IS NOT NULL)
);
CREATE INDEX drift_monitoring_model_checked ON drift_monitoring (model_name, model_version, checked_at DESC, id DESC);`,
} as const;
