/** The binary COPY decoder refuses payloads it cannot read, naming the row and field. */
import { describe, expect, it } from "vitest";
import { decodeBarsCopy } from "../../src/store/binaryCopyOut";

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];

/** A payload of tuples, each a list of field byte lengths (−1: NULL) filled with zero bytes but for ts. */
function payload(rows: number[][], trailer = true): Uint8Array {
  const parts: number[] = [...SIGNATURE, 0, 0, 0, 0, 0, 0, 0, 0];
  for (const fields of rows) {
    parts.push((fields.length >> 8) & 0xff, fields.length & 0xff);
    for (const len of fields) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, len);
      parts.push(...b, ...new Array(Math.max(len, 0)).fill(0));
    }
  }
  if (trailer) parts.push(0xff, 0xff);
  return Uint8Array.from(parts);
}

describe("decodeBarsCopy", () => {
  it("reads NULL volume and adj_close as a missing column, epoch 2000 as its ms", () => {
    const bars = decodeBarsCopy(payload([[8, 8, 8, 8, 8, -1, -1]]));
    expect(bars.ts[0]).toBe(Date.UTC(2000, 0, 1));
    expect(bars.volume).toBeNull();
    expect(bars.adjClose).toBeNull();
  });

  it("names what is wrong", () => {
    expect(() => decodeBarsCopy(Uint8Array.from([1, 2, 3]))).toThrow(/PGCOPY signature/);
    expect(() => decodeBarsCopy(payload([[8, 8, 8, 8, 8, 8, 8]], false))).toThrow(/without its trailer/);
    expect(() => decodeBarsCopy(payload([[8, 8, 8]]))).toThrow(/tuple 0 has 3 fields, expected 7/);
    expect(() =>
      decodeBarsCopy(
        payload([
          [8, 8, 8, 8, 8, 8, 8],
          [8, -1, 8, 8, 8, 8, 8],
        ]),
      ),
    ).toThrow(/row 1: field 1 has -1 bytes/);
    expect(() => decodeBarsCopy(payload([[4, 8, 8, 8, 8, 8, 8]]))).toThrow(/row 0: ts is NULL or not a timestamptz/);
  });
});
