/**
 * The one error type the store throws for conditions a user can act on. `code` lets the CLI and
 * callers branch without parsing messages; the message itself always says what was tried and
 * what exists or how to fix it.
 */
export type StoreErrorCode =
  | "unreachable"
  | "busy"
  | "bad_option"
  | "bad_input"
  | "unknown_series"
  | "empty_range"
  | "ingest_failed"
  | "migration_failed";

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
  }
}
