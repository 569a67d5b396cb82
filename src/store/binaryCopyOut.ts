/**
 * Decodes bars read back by `COPY (SELECT ts, open, high, low, close, volume, adj_close …) TO …
 * WITH (FORMAT binary)` into columns. The server sends each value in its binary form (no float
 * formatting, no aggregation into one huge value), and the client walks the tuples once with a
 * DataView: the fastest way out of PostgreSQL for a year of one-minute bars.
 */
import { COPY_SIGNATURE, PG_EPOCH_MS, TWO_32 } from "./binaryCopy";
import { StoreError } from "./storeError";

/** The select list the decoder expects, in order. */
export const BARS_COPY_OUT_COLUMNS = "ts, open, high, low, close, volume, adj_close";
const FIELDS = 7;

export interface CopiedBars {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** Null where every row's value was NULL (a series stored without the column). */
  volume: Float64Array | null;
  adjClose: Float64Array | null;
}

function corrupt(what: string): StoreError {
  return new StoreError("bad_input", `binary COPY of bars: ${what}`);
}

/** Rows in a payload: counted first, so that each column is allocated once at its size. */
function countRows(view: DataView, start: number): number {
  let o = start;
  let rows = 0;
  for (;;) {
    if (o + 2 > view.byteLength) throw corrupt("payload ends without its trailer");
    const fields = view.getInt16(o);
    if (fields === -1) return rows;
    if (fields !== FIELDS) throw corrupt(`tuple ${rows} has ${fields} fields, expected ${FIELDS}`);
    o += 2;
    for (let f = 0; f < FIELDS; f++) {
      const len = view.getInt32(o);
      o += 4 + Math.max(len, 0);
    }
    rows++;
  }
}

export function decodeBarsCopy(data: Uint8Array): CopiedBars {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < COPY_SIGNATURE.length + 8 || COPY_SIGNATURE.some((b, i) => data[i] !== b)) {
    throw corrupt("payload does not start with the PGCOPY signature");
  }
  const extension = view.getInt32(COPY_SIGNATURE.length + 4);
  const start = COPY_SIGNATURE.length + 8 + extension;
  const n = countRows(view, start);
  const ts = new Float64Array(n);
  const cols = Array.from({ length: FIELDS - 1 }, () => new Float64Array(n));
  // Whether volume / adj_close held a value in some row.
  const present = new Array<boolean>(FIELDS - 1).fill(false);
  let o = start;
  for (let r = 0; r < n; r++) {
    o += 2;
    if (view.getInt32(o) !== 8) throw corrupt(`row ${r}: ts is NULL or not a timestamptz`);
    // int64 µs since 2000-01-01 read as two halves: exact, as |µs| stays far below 2^53.
    ts[r] = (view.getInt32(o + 4) * TWO_32 + view.getUint32(o + 8)) / 1000 + PG_EPOCH_MS;
    o += 12;
    for (let c = 0; c < FIELDS - 1; c++) {
      const len = view.getInt32(o);
      if (len === 8) {
        cols[c][r] = view.getFloat64(o + 4);
        present[c] = true;
        o += 12;
      } else if (len === -1 && c >= 4) {
        cols[c][r] = Number.NaN;
        o += 4;
      } else
        throw corrupt(`row ${r}: field ${c + 1} has ${len} bytes, expected a float8 (NULL only in volume, adj_close)`);
    }
  }
  const [open, high, low, close, volume, adjClose] = cols;
  return {
    ts,
    open,
    high,
    low,
    close,
    volume: present[4] ? volume : null,
    adjClose: present[5] ? adjClose : null,
  };
}
