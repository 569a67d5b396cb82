/**
 * Every error the service answers, in one JSON shape, `{ error: { code, message, field? } }`, and
 * its status: a forecast's own codes (pipeline's ForecastErrorCode) and the HTTP layer's. The
 * client never sees a stack or an internal message; a 500 names the request id to find it in the
 * log.
 */
import type { ForecastErrorCode } from "../pipeline";

export type HttpErrorCode =
  | ForecastErrorCode
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "internal";

/** A forecast's own codes; a Record, so a code added to ForecastErrorCode fails to compile until mapped. */
const FORECAST_ERROR_STATUS: Readonly<Record<ForecastErrorCode, number>> = {
  bad_request: 400,
  unknown_symbol: 404,
  not_trained: 422,
  no_model: 503,
  unavailable: 503,
};

const HTTP_LAYER_STATUS: Readonly<Record<Exclude<HttpErrorCode, ForecastErrorCode>, number>> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
};

export const STATUS_OF: Readonly<Record<HttpErrorCode, number>> = { ...FORECAST_ERROR_STATUS, ...HTTP_LAYER_STATUS };

export const FORECAST_ERROR_CODES = Object.keys(FORECAST_ERROR_STATUS) as ForecastErrorCode[];
export const HTTP_ERROR_CODES = Object.keys(STATUS_OF) as HttpErrorCode[];

export interface ErrorBody {
  readonly error: { readonly code: HttpErrorCode; readonly message: string; readonly field?: string };
}

/** An error the HTTP layer answers as is; its status follows from its code. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly statusCode: number;
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly field?: string,
    /** Response headers the status needs (`WWW-Authenticate` on a 401). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.statusCode = STATUS_OF[code];
  }

  body(): ErrorBody {
    const { code, message, field } = this;
    return { error: field === undefined ? { code, message } : { code, message, field } };
  }
}

/** What a client can do about a missing model: the CLI step that puts a version behind the alias. */
export const PROMOTE_HINT = "promote a run with `wsp promote <run-id>`";
