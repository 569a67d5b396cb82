/**
 * readableTable rounds for reading: the bundled closes are float32 values from the source
 * (762.60 is stored as 762.599976) and danfojs' reductions run in float32, so without rounding a
 * notebook table prints noise digits.
 */
import * as dfd from "danfojs-node";
import { describe, expect, it } from "vitest";
import { isoDate, loadBundled, sliceBars } from "../../src/data/index";
import { readableTable, roundForReading } from "../../src/viz/index";

describe("readableTable", () => {
  it("prints the bundled closes to the cent, not their float32 digits", () => {
    const daily = loadBundled("SPY", "1d");
    const recent = sliceBars(daily, daily.ts.length - 5);
    const raw = Array.from(recent.close);
    // The noise is in the data: at least one close is not a whole number of cents.
    expect(raw.some((c) => Math.abs(c * 100 - Math.round(c * 100)) > 1e-6)).toBe(true);
    const table = readableTable({ date: Array.from(recent.ts, isoDate), close: raw }, { digits: 2 });
    expect(table.column("close").values).toEqual(raw.map((c) => Math.round(c * 100) / 100));
    expect(table.column("date").values).toEqual(Array.from(recent.ts, isoDate));
  });

  it("rounds a DataFrame (describe's float32 statistics) and keeps its index", () => {
    const described = new dfd.DataFrame({ close: [762.599976, 765.719971, 769.059998] }).describe();
    const table = readableTable(described, { digits: { close: 3 } });
    expect(table.index).toEqual(described.index);
    for (const v of table.column("close").values as number[]) expect(Number(v.toFixed(3))).toBe(v);
  });

  it("keeps integers and NaN, and small values to their significant digits", () => {
    expect(roundForReading(45520300, 2)).toBe(45520300);
    expect(roundForReading(Number.NaN, 2)).toBeNaN();
    expect(roundForReading(0.000012346, 4)).toBe(0.00001235);
    expect(roundForReading("x", 2)).toBe("x");
  });
});
