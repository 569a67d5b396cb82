/** All schema migrations in the order they apply; versions are unique and increasing. */
import { barsMigration } from "./0001_bars";
import { runsMigration } from "./0002_runs";
import { hypertableMigration } from "./0003_hypertable";
import { seriesMigration } from "./0004_series";
import { seriesHashMigration } from "./0005_series_hash";
import { tradingSignalsMigration } from "./0006_trading_signals";
import { monitoringMigration } from "./0007_monitoring";
import { driftStateMigration } from "./0008_drift_state";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  barsMigration,
  runsMigration,
  hypertableMigration,
  seriesMigration,
  seriesHashMigration,
  tradingSignalsMigration,
  monitoringMigration,
  driftStateMigration,
];
