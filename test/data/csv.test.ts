import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DataFormatError, loadCsv, loadLongCsv, parseBarsCsv } from "../../src/data";

const dir = mkdtempSync(join(tmpdir(), "wsp-csv-"));
function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, name.endsWith(".gz") ? gzipSync(text) : text);
  return p;
}
function formatError(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DataFormatError) return e;
    throw e;
  }
  throw new Error("expected a DataFormatError");
}

describe("loadCsv on bundled files", () => {
  it("parses every number of daily/SPY.csv exactly as parseFloat does", () => {
    const path = "data/daily/SPY.csv";
    const bars = loadCsv(path);
    const rows = readFileSync(path, "utf8").trim().split("\n").slice(1);
    expect(bars.ticker).toBe("SPY");
    expect(bars.timeframe).toBe("1d");
    expect(bars.ts.length).toBe(rows.length);
    expect(bars.adjClose).toBeNull();
    const fields = rows.map((r) => r.split(","));
    expect(Array.from(bars.ts)).toEqual(fields.map((f) => Date.parse(`${f[0]}T00:00:00Z`)));
    const cols = [bars.open, bars.high, bars.low, bars.close, bars.volume!];
    cols.forEach((col, j) => {
      expect(Array.from(col)).toEqual(fields.map((f) => Number.parseFloat(f[j + 1])));
    });
  });

  it("converts intraday timestamps with New York offsets to UTC across both DST regimes", () => {
    const bars = loadCsv("data/intraday/SPY_1m.csv.gz");
    expect(bars.timeframe).toBe("1m");
    expect(bars.ts.length).toBe(49_885);
    expect(new Date(bars.ts[0]).toISOString()).toBe("2025-09-15T13:30:00.000Z");
    // 2025-11-03 is in EST (-05:00): 09:30 local = 14:30 UTC.
    const nov3 = Date.parse("2025-11-03T14:30:00Z");
    expect(bars.ts.includes(nov3)).toBe(true);
    expect(new Date(bars.ts[bars.ts.length - 1]).toISOString()).toBe("2026-03-19T19:59:00.000Z");
    // Every row against Date.parse and parseFloat of the text.
    const rows = gunzipSync(readFileSync("data/intraday/SPY_1m.csv.gz")).toString("utf8").trim().split("\n").slice(1);
    const fields = rows.map((r) => r.split(","));
    expect(Array.from(bars.ts)).toEqual(fields.map((f) => Date.parse(f[0])));
    expect(Array.from(bars.low)).toEqual(fields.map((f) => Number.parseFloat(f[3])));
    expect(Array.from(bars.volume!)).toEqual(fields.map((f) => Number.parseFloat(f[5])));
  });

  it("gives VIX a null volume column and GSPC its adj_close", () => {
    const vix = loadCsv("data/daily/VIX.csv");
    expect(vix.volume).toBeNull();
    expect(vix.ts.length).toBe(9235);
    const gspc = loadCsv("data/daily/GSPC.csv");
    expect(gspc.adjClose![0]).toBe(1228.099976);
  });
});

describe("loadCsv on small hand-made files", () => {
  const header = "timestamp,open,high,low,close,volume\n";

  it("reads gzip, CRLF, exponents, NaN and a missing trailing newline", () => {
    const p = write(
      "X_1m.csv.gz",
      `${header}2025-09-15T09:30:00-04:00,1e2,101,99,100.5,NaN\r\n2025-09-15T09:31:00-04:00,100,101,99,,7`,
    );
    const b = loadCsv(p);
    expect(b.ticker).toBe("X");
    expect(b.timeframe).toBe("1m");
    expect(Array.from(b.open)).toEqual([100, 100]);
    expect(Number.isNaN(b.volume![0])).toBe(true);
    expect(Number.isNaN(b.close[1])).toBe(true);
  });

  it("infers the timeframe from bar spacing when the name has no suffix", () => {
    const b = parseBarsCsv(
      Buffer.from(`${header}2025-09-15T09:30:00-04:00,1,1,1,1,1\n2025-09-15T09:45:00-04:00,1,1,1,1,1\n`),
      { file: "q.csv" },
    );
    expect(b.timeframe).toBe("15m");
  });

  const cases: [string, string, number, number | null, RegExp][] = [
    ["unknown header column", "date,open,high,low,clse\n2020-01-02,1,1,1,1\n", 1, 5, /unknown column/],
    ["missing header column", "date,open,high,low\n2020-01-02,1,1,1\n", 1, null, /missing column/],
    ["unparseable number", "date,open,high,low,close\n2020-01-02,1,1,1,1\n2020-01-03,1,1x,1,1\n", 3, 3, /not a number/],
    ["hex number", "date,open,high,low,close\n2020-01-02,1,1,0x1F,1\n", 2, 4, /not a number: "0x1F"/],
    ["infinite number", "date,open,high,low,close\n2020-01-02,1,Infinity,1,1\n", 2, 3, /not a number/],
    ["bad date", "date,open,high,low,close\n2020-02-30,1,1,1,1\n", 2, 1, /not a calendar date/],
    ["unsorted rows", "date,open,high,low,close\n2020-01-03,1,1,1,1\n2020-01-02,1,1,1,1\n", 3, 1, /not sorted/],
    ["duplicate timestamps", "date,open,high,low,close\n2020-01-02,1,1,1,1\n2020-01-02,1,1,1,1\n", 3, 1, /duplicate/],
    ["missing field", "date,open,high,low,close\n2020-01-02,1,1,1\n", 2, 5, /missing field/],
    ["extra field", "date,open,high,low,close\n2020-01-02,1,1,1,1,9\n", 2, 6, /more fields/],
    [
      "offset inconsistent with New York (EST offset in summer)",
      `${header}2025-09-15T09:30:00-04:00,1,1,1,1,1\n2025-09-15T09:31:00-05:00,1,1,1,1,1\n`,
      3,
      1,
      /America\/New_York/,
    ],
    [
      "mixed time zones (UTC row in a New York file)",
      `${header}2025-09-15T09:30:00-04:00,1,1,1,1,1\n2025-09-15T13:31:00Z,1,1,1,1,1\n`,
      3,
      1,
      /mixed time zones/,
    ],
    ["timestamp without offset", `${header}2025-09-15T09:30:00,1,1,1,1,1\n`, 2, 1, /without UTC offset/],
  ];
  for (const [name, text, line, column, reason] of cases) {
    it(`rejects ${name} with file, line and column`, () => {
      const p = write(`bad_${name.replace(/\W+/g, "_")}.csv`, text);
      const e = formatError(() => loadCsv(p, { timeframe: text.startsWith("date") ? "1d" : "1m" }));
      expect(e.file).toBe(p);
      expect(e.line).toBe(line);
      expect(e.column).toBe(column);
      expect(e.message).toMatch(reason);
      expect(e.message).toContain(`${p}:${line}`);
    });
  }

  it("accepts unsorted rows when order checks are off (for validateBars)", () => {
    const b = parseBarsCsv(Buffer.from("date,open,high,low,close\n2020-01-03,1,1,1,1\n2020-01-02,1,1,1,1\n"), {
      checkOrder: false,
    });
    expect(b.ts[1]).toBeLessThan(b.ts[0]);
  });

  it("rejects a long file whose tickers are not contiguous", () => {
    const p = write(
      "long.csv",
      "ticker,date,open,high,low,close\nA,2020-01-02,1,1,1,1\nB,2020-01-02,1,1,1,1\nA,2020-01-03,1,1,1,1\n",
    );
    const e = formatError(() => loadLongCsv(p));
    expect(e.line).toBe(4);
    expect(e.columnName).toBe("ticker");
    expect(e.message).toMatch(/not contiguous/);
  });

  it("checks order within each ticker of a long file, not across tickers", () => {
    const p = write(
      "long2.csv",
      "ticker,date,open,high,low,close,volume,adj_close\nA,2020-01-03,1,1,1,1,5,1\nB,2020-01-02,2,2,2,2,6,2\n",
    );
    const m = loadLongCsv(p);
    expect([...m.keys()]).toEqual(["A", "B"]);
    expect(m.get("B")!.volume![0]).toBe(6);
  });
});

describe("loadCsv refuses what an ingest could not store", () => {
  it("refuses a header-only file and an empty file, naming the file", () => {
    const headerOnly = write("HDR.csv", "date,open,high,low,close,volume\n");
    expect(formatError(() => loadCsv(headerOnly)).message).toBe(
      `${headerOnly}: no data rows: the file holds a header only`,
    );
    const longHeader = write("long_hdr.csv", "ticker,date,open,high,low,close\n");
    expect(formatError(() => loadLongCsv(longHeader)).message).toMatch(/long_hdr\.csv: no data rows/);
    const empty = write("EMPTY.csv", "");
    expect(formatError(() => loadCsv(empty)).message).toMatch(/EMPTY\.csv: the file is empty; expected header date/);
  });

  it("applies the store's ticker rule to a long file's rows, naming file, line and column", () => {
    const p = write(
      "inject.csv",
      "ticker,date,open,high,low,close\nSPY,2020-01-02,1,1,1,1\nSPY'; DROP TABLE bars;--,2020-01-02,1,1,1,1\n",
    );
    const e = formatError(() => loadLongCsv(p));
    expect(e.line).toBe(3);
    expect(e.columnName).toBe("ticker");
    expect(e.message).toBe(
      `${p}:3:1 (column "ticker"): ticker "SPY'; DROP TABLE bars;--" is not valid: ` +
        "expected 1 to 32 characters without spaces, commas or control characters",
    );
  });

  it("applies it to the ticker a single-ticker file takes from its name", () => {
    const p = write("SPY DROP_1d.csv", "date,open,high,low,close\n2020-01-02,1,1,1,1\n");
    expect(formatError(() => loadCsv(p)).message).toMatch(
      /SPY DROP_1d\.csv: ticker "SPY DROP" is not valid: .* \(taken from the file name/,
    );
    expect(loadCsv(p, { ticker: "SPY" }).ticker).toBe("SPY");
  });

  it("quotes at most ~120 characters of binary garbage", () => {
    // 9.9 kB of bytes 0..255 without newlines or commas: the header's first "column".
    const bytes = Buffer.from(Array.from({ length: 9900 }, (_, i) => [0, 7, 200, 65, 255, 34][i % 6]));
    const garbage = join(dir, "garbage.csv");
    writeFileSync(garbage, bytes);
    const message = formatError(() => loadCsv(garbage)).message;
    expect(message).toMatch(/\(9900 characters\)\): unknown column/);
    expect(message.length).toBeLessThan(garbage.length + 300);
    // A field of a data row is cut the same way.
    const row = write("ROW.csv", `date,open,high,low,close\n2020-01-02,1,1,${"9x".repeat(5000)},1\n`);
    const rowMessage = formatError(() => loadCsv(row)).message;
    expect(rowMessage).toMatch(/:2:4 \(column "low"\): not a number: "(9x)+…" \(10000 characters\)$/);
    expect(rowMessage.length).toBeLessThan(row.length + 200);
  });
});
