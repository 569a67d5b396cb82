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
  /** A field of a signal to insert is invalid: `field` names it. */
  | "bad_signal"
  /** An argument of a signal read or of the expiry sweep is invalid (including a malformed cursor): `field` names it. */
  | "bad_query"
  /** A field of a signal outcome to record is invalid, or names no stored signal: `field` names it. */
  | "bad_outcome"
  /** A field of a drift check to record is invalid: `field` names it. */
  | "bad_drift_check"
  | "unknown_series"
  | "empty_range"
  | "ingest_failed"
  | "migration_failed";

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** The input field at fault, so that an HTTP layer can point at it; set with bad_signal, bad_query, bad_outcome and bad_drift_check. */
  readonly field?: string;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
    if (options?.field !== undefined) this.field = options.field;
  }
}
