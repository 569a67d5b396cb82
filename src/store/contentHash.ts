/**
 * A fingerprint of one series' content (key and every column, bit for bit), kept in the series
 * catalog so that an ingest can skip series that are stored exactly as given: `wsp start`
 * re-ingests all bundled data on every run and should take seconds when nothing changed.
 */
import { createHash } from "node:crypto";
import type { Bars } from "../data";

export function contentHash(bars: Bars): string {
  const hash = createHash("sha1");
  hash.update(`${bars.ticker}\u0000${bars.timeframe}\u0000${bars.ts.length}\u0000`);
  for (const column of [bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume, bars.adjClose]) {
    // A marker per column so that a missing column never hashes like an empty one.
    if (column === null) hash.update("null");
    else hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  return hash.digest("hex");
}
