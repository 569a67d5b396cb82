import { describe, expect, it } from "vitest";
import {
  type Bars,
  DataFormatError,
  barsBetween,
  loadBundled,
  loadLongParquet,
  loadParquet,
  loadUniverse,
} from "../../src/data";

const dir = "test/fixtures/data";
const columns = (b: Bars) =>
  [b.ts, b.open, b.high, b.low, b.close, b.volume, b.adjClose].map((a) => (a ? Array.from(a) : null));

describe("loadParquet (hyparquet; fixtures written by pandas from the bundled CSVs)", () => {
  it("reads a daily file with a DATE column exactly as loadCsv reads the CSV", async () => {
    const p = await loadParquet(`${dir}/SPY_1d.parquet`);
    expect(p.ticker).toBe("SPY");
    expect(p.timeframe).toBe("1d");
    expect(columns(p)).toEqual(columns(loadBundled("SPY")));
  });

  it("reads tz-aware intraday timestamps as UTC ms", async () => {
    const p = await loadParquet(`${dir}/SPY_1m.parquet`);
    expect(p.timeframe).toBe("1m");
    const csv = barsBetween(loadBundled("SPY", "1m"), 0, Date.parse("2025-09-20T00:00:00Z"));
    expect(p.ts.length).toBe(csv.ts.length);
    expect(columns(p)).toEqual(columns(csv));
  });

  it("reads the long format with adj_close, ignoring the pandas index column", async () => {
    const m = await loadLongParquet(`${dir}/universe3.parquet`);
    expect([...m.keys()]).toEqual(["A", "AAPL", "SNI"]);
    const u = loadUniverse();
    for (const t of ["A", "AAPL", "SNI"]) expect(columns(m.get(t)!)).toEqual(columns(u.get(t)!));
  });

  it("rejects unsorted rows, unknown columns and naive intraday timestamps, naming file, row and column", async () => {
    const err = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        if (e instanceof DataFormatError) return e;
        throw e;
      }
      throw new Error("expected a DataFormatError");
    };
    const unsorted = await err(loadParquet(`${dir}/unsorted.parquet`));
    expect([unsorted.line, unsorted.columnName]).toEqual([3, "date"]);
    expect(unsorted.message).toMatch(/unsorted\.parquet:3:1 .*not sorted/);
    const bad = await err(loadParquet(`${dir}/bad_column.parquet`));
    expect([bad.column, bad.columnName]).toEqual([5, "clse"]);
    const naive = await err(loadParquet(`${dir}/naive_1m.parquet`));
    expect(naive.message).toMatch(/UTC-adjusted TIMESTAMP/);
  });
});
