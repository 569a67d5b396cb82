/**
 * What a drift check needs to resume the accuracy bands' hysteresis exactly, and to read a
 * version's signals by bar.
 *
 * `pending_band`, `pending_count`: the band seen on the last `pending_count` consecutive checks
 * that differs from `confirmed_band` and has not been confirmed yet (monitoring/accuracyBands.ts,
 * `BandState`). A check with too few matured signals observes no band and keeps the state as it
 * was, so the last row's `band` alone cannot tell a pending band from none: it is stored. Both
 * null, or both set with a count ≥ 1.
 *
 * `trading_signals_version_bar`: a drift check reads one model version's signals over a window of
 * bars (or its last n), which no other index orders.
 */
export const driftStateMigration = {
  version: 8,
  name: "drift_state",
  sql: `
ALTER TABLE drift_monitoring
  ADD COLUMN pending_band text CHECK (pending_band IN ('normal', 'monitor', 'drift', 'emergency')),
  ADD COLUMN pending_count integer CHECK (pending_count >= 1),
  ADD CONSTRAINT drift_monitoring_pending_both CHECK ((pending_band IS NULL) = (pending_count IS NULL));
CREATE INDEX trading_signals_version_bar ON trading_signals (model_name, model_version, bar_ts);`,
} as const;
