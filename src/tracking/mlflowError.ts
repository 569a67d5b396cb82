/**
 * An MLflow REST call that failed. Callers branch on `errorCode` (MLflow's own `error_code`, e.g.
 * RESOURCE_DOES_NOT_EXIST, RESOURCE_ALREADY_EXISTS, INVALID_PARAMETER_VALUE), not on the HTTP
 * status, because MLflow maps several conditions to the same status. Network failures and
 * timeouts carry the code `NETWORK_ERROR` and status 0.
 */
export class MlflowError extends Error {
  override readonly name = "MlflowError";

  constructor(
    readonly errorCode: string,
    readonly status: number,
    /** HTTP method and path of the call, e.g. `POST /api/2.0/mlflow/runs/create`. */
    readonly endpoint: string,
    readonly detail: string,
    /** How many attempts were made before giving up (1 when the error was not retryable). */
    readonly attempts: number,
  ) {
    super(
      `${endpoint}: ${errorCode}${status ? ` (HTTP ${status})` : ""}: ${detail}${attempts > 1 ? ` after ${attempts} attempts` : ""}`,
    );
  }
}

/** HTTP statuses worth retrying: the request may succeed later unchanged. Other 4xx never will. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
