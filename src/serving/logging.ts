/**
 * Request logs: pino through fastify, one id per request. The id is the client's `x-request-id`
 * when it sends a plausible one (so a caller's trace continues here), else a fresh UUID; every
 * response echoes it. The bearer token never reaches a log line: the request serializer writes
 * only whether an Authorization header came, and pino's redaction covers the header in case
 * anything logs headers anyway.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyRequest } from "fastify";
import type { DestinationStream, LoggerOptions } from "pino";

export const REQUEST_ID_HEADER = "x-request-id";

/** What an incoming id may be: short and printable, so it cannot forge log lines or headers. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === "string" && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

/** pino options (a `stream` to write to, in tests), or false for no logs. */
export type LoggerSetting = false | (LoggerOptions & { stream?: DestinationStream });

export const REDACTED = "[redacted]";

function requestSerializer(req: FastifyRequest) {
  return {
    method: req.method,
    url: req.url,
    remoteAddress: req.ip,
    authorization: req.headers.authorization === undefined ? undefined : REDACTED,
  };
}

/** The logger option fastify gets: the caller's pino options with our serializer and redaction. */
export function loggerOptions(setting: LoggerSetting): LoggerSetting {
  if (setting === false) return false;
  const redact = ["req.headers.authorization", "headers.authorization", "authorization"];
  return {
    level: "info",
    ...setting,
    serializers: { ...setting.serializers, req: requestSerializer },
    redact: { paths: redact, censor: REDACTED },
  };
}
