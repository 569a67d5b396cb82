/**
 * Encodes bars in PostgreSQL's binary COPY format for the columns
 * (ticker, timeframe, ts, open, high, low, close, volume, adj_close).
 * Binary rather than text: no float formatting in JS, no float parsing in the server, and
 * values round-trip bit for bit.
 */
import type { Bars } from "../data";

export const BARS_COPY_COLUMNS = "(ticker, timeframe, ts, open, high, low, close, volume, adj_close)";

export const COPY_SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]; // "PGCOPY\n\377\r\n\0"
const HEADER_BYTES = COPY_SIGNATURE.length + 4 + 4; // signature, flags, header-extension length
const FIELD_COUNT = 9;
/** PostgreSQL timestamps count microseconds from 2000-01-01T00:00:00Z. */
export const PG_EPOCH_MS = 946_684_800_000;
export const TWO_32 = 4_294_967_296;

/** A slice of one series: rows [start, end). */
export interface BarsSlice {
  readonly bars: Bars;
  readonly start: number;
  readonly end: number;
}

const encoder = new TextEncoder();

/** One COPY payload (header, tuples, trailer) holding all given slices. */
export function encodeBarsCopy(slices: readonly BarsSlice[]): Uint8Array {
  let size = HEADER_BYTES + 2;
  const names = slices.map((s) => ({
    ticker: encoder.encode(s.bars.ticker),
    timeframe: encoder.encode(s.bars.timeframe),
  }));
  slices.forEach((s, i) => {
    const perRow = 2 + 4 + names[i].ticker.length + 4 + names[i].timeframe.length + 7 * (4 + 8);
    size += perRow * (s.end - s.start);
  });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(COPY_SIGNATURE, 0);
  view.setInt32(COPY_SIGNATURE.length, 0);
  view.setInt32(COPY_SIGNATURE.length + 4, 0);
  let o = HEADER_BYTES;

  const putBytes = (bytes: Uint8Array) => {
    view.setInt32(o, bytes.length);
    out.set(bytes, o + 4);
    o += 4 + bytes.length;
  };
  const putFloat = (value: number) => {
    view.setInt32(o, 8);
    view.setFloat64(o + 4, value);
    o += 12;
  };
  const putNullableFloat = (column: Float64Array | null, row: number) => {
    if (column === null) {
      view.setInt32(o, -1);
      o += 4;
    } else putFloat(column[row]);
  };

  slices.forEach((s, i) => {
    const { bars } = s;
    for (let r = s.start; r < s.end; r++) {
      view.setInt16(o, FIELD_COUNT);
      o += 2;
      putBytes(names[i].ticker);
      putBytes(names[i].timeframe);
      // int64 microseconds written as two 32-bit halves: exact, as |µs| stays far below 2^53.
      const us = (bars.ts[r] - PG_EPOCH_MS) * 1000;
      const hi = Math.floor(us / TWO_32);
      view.setInt32(o, 8);
      view.setInt32(o + 4, hi);
      view.setUint32(o + 8, us - hi * TWO_32);
      o += 12;
      putFloat(bars.open[r]);
      putFloat(bars.high[r]);
      putFloat(bars.low[r]);
      putFloat(bars.close[r]);
      putNullableFloat(bars.volume, r);
      putNullableFloat(bars.adjClose, r);
    }
  });
  view.setInt16(o, -1);
  o += 2;
  return o === size ? out : out.subarray(0, o);
}
