/**
 * Makes `bars` a TimescaleDB hypertable where the server offers the extension (the
 * docker-compose image does; plain PostgreSQL and PGlite do not, and then this is a no-op).
 * Plain SQL so that both backends run the same migration. An installed but unloadable extension
 * (not in shared_preload_libraries) leaves a plain table and a WARNING rather than a store that
 * cannot open.
 */
export const hypertableMigration = {
  version: 3,
  name: "bars_hypertable",
  sql: `
DO $$
DECLARE
  ext_schema name;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    RETURN;
  END IF;
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
      -- In public, not in the store's schema: dropping a test schema must not drop the extension.
      CREATE EXTENSION timescaledb SCHEMA public;
    END IF;
  EXCEPTION WHEN others THEN
    RAISE WARNING 'timescaledb is available but could not be enabled (%); bars stay a plain table', SQLERRM;
    RETURN;
  END;
  SELECT extnamespace::regnamespace::name INTO ext_schema FROM pg_extension WHERE extname = 'timescaledb';
  EXECUTE format(
    'SELECT %I.create_hypertable(%L::regclass, %L, if_not_exists => true, migrate_data => true)',
    ext_schema, format('%I.bars', current_schema()), 'ts');
END
$$;`,
} as const;
