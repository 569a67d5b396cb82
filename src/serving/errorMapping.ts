/**
 * Any error a request ends in → the ApiError the client sees (httpErrors.ts). A ForecastError keeps
 * its code, message and field; fastify's own client errors (bad JSON, body too large, media type)
 * get a message naming the body; anything else is a 500 whose message names only the request id,
 * and is flagged `unexpected` so the server logs it in full.
 */
import { ForecastError } from "../pipeline";
import { ApiError, PROMOTE_HINT } from "./httpErrors";

export interface MappedError {
  readonly error: ApiError;
  /** Not one of the answers above: a bug or an outage below the service; logged at error level. */
  readonly unexpected: boolean;
}

/** fastify's client errors by code, with the message the client gets instead of fastify's. */
const FASTIFY_CLIENT_ERRORS: Readonly<Record<string, (bodyLimit: number) => ApiError>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (limit) =>
    new ApiError("payload_too_large", `body: larger than the limit of ${limit} bytes`, "body"),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new ApiError("unsupported_media_type", "body: send it as application/json", "body"),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new ApiError("bad_request", "body: not valid JSON", "body"),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new ApiError("bad_request", "body: empty, but the content type says JSON; send a JSON object", "body"),
};

export function mapError(err: unknown, requestId: string, bodyLimit: number): MappedError {
  if (err instanceof ApiError) return { error: err, unexpected: false };
  if (err instanceof ForecastError) return { error: fromForecastError(err), unexpected: false };
  const fastifyCode = (err as { code?: unknown } | null)?.code;
  const known = typeof fastifyCode === "string" ? FASTIFY_CLIENT_ERRORS[fastifyCode] : undefined;
  if (known) return { error: known(bodyLimit), unexpected: false };
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  // fastify's other 400s (a malformed URL, a bad Content-Length) carry a message about the request itself.
  if (status === 400 && err instanceof Error)
    return { error: new ApiError("bad_request", err.message), unexpected: false };
  const message = `internal error; the server log has the details under request id ${requestId}`;
  return { error: new ApiError("internal", message), unexpected: true };
}

function fromForecastError(err: ForecastError): ApiError {
  // A client asking for a forecast with no model behind the alias is told how one gets there
  // (unless the service said already: promote one, or resume a paused one).
  const told = /`wsp (promote|models resume)\b/.test(err.message);
  const message = err.code === "no_model" && !told ? `${err.message}; ${PROMOTE_HINT}` : err.message;
  return new ApiError(err.code, message, err.field);
}
