/**
 * The few database operations the store needs, so that one implementation of the store's SQL
 * (sqlStore.ts) runs on PostgreSQL (`pg`) and on PGlite. Rows come back in array mode: no
 * per-row objects.
 */
export interface SqlQueries {
  /** One statement with $n parameters; rows as arrays in select-list order. */
  query(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A transaction: the only place bulk data is written. */
export interface SqlSession extends SqlQueries {
  /** `COPY <target> FROM <source> WITH (FORMAT binary)` with `data` in PostgreSQL binary COPY format. */
  copyBinary(target: string, data: Uint8Array): Promise<void>;
  /** `COPY (<select>) TO … WITH (FORMAT binary)`: the whole payload in PostgreSQL binary COPY format. */
  copyOutBinary(select: string): Promise<Uint8Array>;
}

export interface SqlClient extends SqlQueries {
  /** Runs `fn` in BEGIN … COMMIT on one connection; ROLLBACK if it throws. */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
