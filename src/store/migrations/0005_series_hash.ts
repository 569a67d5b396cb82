/**
 * The content hash of the bars last ingested for a series, kept only while they are the whole
 * stored series (NULL once a partial ingest merged into it): equal hashes mean equal content.
 */
export const seriesHashMigration = {
  version: 5,
  name: "series_content_hash",
  sql: "ALTER TABLE series ADD COLUMN content_hash text;",
} as const;
