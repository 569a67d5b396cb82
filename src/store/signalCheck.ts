/**
 * Checks of what the signal methods are given, before any SQL: each failure is a StoreError
 * naming the field (bad_signal for a signal to insert, bad_query for reads and the expiry sweep).
 * Runtime types are checked too, since signals arrive from HTTP bodies and jobs, not only from
 * type-checked code.
 */
import { quoteInput, tickerProblem } from "../data";
import type { NewSignal, SignalQuery, SignalStatus, SignalType } from "./signalTypes";
import { StoreError } from "./storeError";

const SIGNAL_TYPES: readonly SignalType[] = ["long", "short", "none"];
const STATUSES: readonly (SignalStatus | "all")[] = ["open", "expired", "executed", "all"];
const FEATURE_HASH = /^[0-9a-f]{64}$/;
/** The range of a JS Date, so every accepted time can be printed and stored. */
const MAX_EPOCH_MS = 8.64e15;
export const DEFAULT_SIGNAL_LIMIT = 100;
export const MAX_SIGNAL_LIMIT = 1000;

export function shown(value: unknown): string {
  if (typeof value === "string") return quoteInput(value);
  if (typeof value === "number") return String(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export function isEpochMs(value: unknown): value is number {
  return Number.isInteger(value) && Math.abs(value as number) <= MAX_EPOCH_MS;
}

export function isFiniteIn(value: unknown, lo: number, hi: number): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= lo && value <= hi;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** Throws bad_signal for the first invalid field of `s`, in declaration order. */
export function checkNewSignal(s: NewSignal): void {
  const fail = (field: string, value: unknown, expected: string): never => {
    throw new StoreError("bad_signal", `signal field ${field} = ${shown(value)}: expected ${expected}`, { field });
  };
  if (!isRecord(s)) fail("signal", s, "an object with the fields of NewSignal");
  if (typeof s.symbol !== "string") fail("symbol", s.symbol, "a ticker string");
  const problem = tickerProblem(s.symbol);
  if (problem !== null) fail("symbol", s.symbol, `a valid ticker (${problem})`);
  if (!SIGNAL_TYPES.includes(s.signalType)) fail("signalType", s.signalType, `one of ${SIGNAL_TYPES.join(", ")}`);
  if (!isFiniteIn(s.confidence, 0, 1)) fail("confidence", s.confidence, "a finite number in [0, 1]");
  for (const field of ["targetPrice", "stopLoss"] as const) {
    const price = s[field];
    if (price !== null && !isFiniteIn(price, Number.MIN_VALUE, Number.MAX_VALUE)) {
      fail(field, price, "a finite price > 0, or null");
    }
    if (s.signalType === "none" && price !== null) fail(field, price, 'null when signalType is "none"');
  }
  if (!isFiniteIn(s.positionSize, 0, Number.MAX_VALUE)) fail("positionSize", s.positionSize, "a finite number ≥ 0");
  if (s.signalType === "none" && s.positionSize !== 0)
    fail("positionSize", s.positionSize, '0 when signalType is "none"');
  if (typeof s.reasoning !== "string") fail("reasoning", s.reasoning, "a string");
  for (const field of ["modelName", "modelVersion"] as const) {
    if (typeof s[field] !== "string" || s[field] === "") fail(field, s[field], "a non-empty string");
  }
  if (!isEpochMs(s.barTs)) fail("barTs", s.barTs, "an integral UTC epoch-ms timestamp");
  if (!isRecord(s.features)) fail("features", s.features, "an object of feature name → number or null");
  for (const [name, value] of Object.entries(s.features)) {
    if (value !== null && typeof value !== "number") fail(`features.${name}`, value, "a number or null");
  }
  if (typeof s.featureHash !== "string" || !FEATURE_HASH.test(s.featureHash)) {
    fail("featureHash", s.featureHash, "a sha256 as 64 lower-case hex digits");
  }
  if (!isRecord(s.probabilities) || Object.keys(s.probabilities).length === 0) {
    fail("probabilities", s.probabilities, "an object of class name → probability with at least one class");
  }
  for (const [name, value] of Object.entries(s.probabilities)) {
    if (!isFiniteIn(value, 0, 1)) fail(`probabilities.${name}`, value, "a finite number in [0, 1]");
  }
  if (s.regime !== null && typeof s.regime !== "string") fail("regime", s.regime, "a string or null");
  if (!isEpochMs(s.expiresAt)) fail("expiresAt", s.expiresAt, "an integral UTC epoch-ms timestamp");
  if (s.expiresAt <= s.barTs) fail("expiresAt", s.expiresAt, `a time after barTs (${isoOf(s.barTs)})`);
  if (s.createdAt !== undefined && !isEpochMs(s.createdAt)) {
    fail("createdAt", s.createdAt, "an integral UTC epoch-ms timestamp, or absent");
  }
}

function queryError(field: string, value: unknown, expected: string): StoreError {
  return new StoreError("bad_query", `signal query field ${field} = ${shown(value)}: expected ${expected}`, { field });
}

export interface CheckedSignalQuery {
  readonly ticker: string | null;
  readonly model: string | null;
  readonly version: string | null;
  readonly from: number | null;
  readonly to: number | null;
  readonly status: SignalStatus | "all";
  readonly limit: number;
}

/** Throws bad_query for the first invalid field; fills the defaults. The cursor is checked by signalCursor.ts. */
export function checkSignalQuery(q: SignalQuery): CheckedSignalQuery {
  const ticker = q.ticker ?? null;
  if (ticker !== null) {
    if (typeof ticker !== "string") throw queryError("ticker", ticker, "a ticker string");
    const problem = tickerProblem(ticker);
    if (problem !== null) throw queryError("ticker", ticker, `a valid ticker (${problem})`);
  }
  const model = q.model ?? null;
  if (model !== null && (typeof model !== "string" || model === "")) throw queryError("model", model, "a model name");
  const version = q.version ?? null;
  if (version !== null && (typeof version !== "string" || version === "" || model === null)) {
    throw queryError("version", version, "a version string, given with model");
  }
  const from = q.from ?? null;
  const to = q.to ?? null;
  if (from !== null && !isEpochMs(from)) throw queryError("from", from, "an integral UTC epoch-ms timestamp");
  if (to !== null && !isEpochMs(to)) throw queryError("to", to, "an integral UTC epoch-ms timestamp");
  if (from !== null && to !== null && to < from) throw queryError("to", to, `a time not before from (${isoOf(from)})`);
  const status = q.status ?? "all";
  if (!STATUSES.includes(status)) throw queryError("status", status, `one of ${STATUSES.join(", ")}`);
  const limit = q.limit ?? DEFAULT_SIGNAL_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SIGNAL_LIMIT) {
    throw queryError("limit", limit, `an integer in 1..${MAX_SIGNAL_LIMIT}`);
  }
  return { ticker, model, version, from, to, status, limit };
}

/** The expiry sweep's time. */
export function checkSweepTime(now: number): void {
  if (!isEpochMs(now)) throw queryError("now", now, "an integral UTC epoch-ms timestamp");
}
