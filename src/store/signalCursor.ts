/**
 * The opaque cursor of a signal page: the last row's position in the order (created_at desc,
 * id desc). created_at travels in microseconds, its full stored precision, so that rows written
 * outside this store with sub-millisecond times still page without gaps or repeats.
 */
import { StoreError } from "./storeError";

export interface SignalPosition {
  /** created_at as UTC epoch µs. */
  readonly createdAtUs: number;
  readonly id: number;
}

const POSITION = /^(-?\d{1,16})\.(\d{1,16})$/;

export function encodeCursor(p: SignalPosition): string {
  return Buffer.from(`${p.createdAtUs}.${p.id}`).toString("base64url");
}

export function decodeCursor(cursor: unknown): SignalPosition {
  const text = typeof cursor === "string" ? Buffer.from(cursor, "base64url").toString("latin1") : "";
  const m = POSITION.exec(text);
  const createdAtUs = Number(m?.[1]);
  const id = Number(m?.[2]);
  // Round trip: base64url decoding skips stray characters, which must not make a different cursor valid.
  if (
    m === null ||
    !Number.isSafeInteger(createdAtUs) ||
    !Number.isSafeInteger(id) ||
    encodeCursor({ createdAtUs, id }) !== cursor
  ) {
    const quoted = typeof cursor === "string" ? JSON.stringify(cursor.slice(0, 80)) : typeof cursor;
    throw new StoreError(
      "bad_query",
      `signal query field cursor = ${quoted}: not a cursor this store gave out (pass the \`next\` of the previous page unchanged, or null for the first page)`,
      { field: "cursor" },
    );
  }
  return { createdAtUs, id };
}
