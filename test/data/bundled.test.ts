import { describe, expect, it } from "vitest";
import { DataFormatError, listBundled, loadBundled, loadUniverse, resolveDataDir } from "../../src/data";

describe("bundled data", () => {
  it("lists every bundled file by ticker and timeframe", () => {
    const files = listBundled().map((f) => `${f.ticker}:${f.timeframe}`);
    expect(files.sort()).toEqual(
      [
        "DIA:1d",
        "GSPC:1d",
        "IWM:1d",
        "IXIC:1d",
        "QQQ:1d",
        "SPY:1d",
        "VIX:1d",
        "AAPL:5m",
        "QQQ:1m",
        "QQQ:5m",
        "SPY:1m",
        "SPY:5m",
      ].sort(),
    );
  });

  it("loads by ticker and timeframe, with an explicit data dir too", () => {
    expect(loadBundled("QQQ", "5m").ts.length).toBe(18_258);
    expect(loadBundled("IWM", "1d", resolveDataDir("data")).ts.length).toBe(6_598);
  });

  it("names the available tickers and timeframes for an unknown one", () => {
    expect(() => loadBundled("TSLA")).toThrow(DataFormatError);
    expect(() => loadBundled("TSLA")).toThrow(/unknown ticker TSLA\. Available: .*SPY \(1d, 1m, 5m\)/);
    expect(() => loadBundled("SPY", "1h")).toThrow(/no bundled 1h file for SPY; it has 1d, 1m, 5m/);
  });

  it("rejects a directory without data", () => {
    expect(() => resolveDataDir("src")).toThrow(/not a data directory/);
  });

  it("says that a missing data path does not exist, and that a file is not a directory", () => {
    expect(() => resolveDataDir("/nope/data")).toThrow("/nope/data: the path does not exist");
    expect(() => resolveDataDir("README.md")).toThrow(/README\.md: the path is a file, not a directory$/);
  });

  it("loads the long-format universe into 480 tickers", () => {
    const u = loadUniverse();
    expect(u.size).toBe(480);
    let rows = 0;
    for (const b of u.values()) rows += b.ts.length;
    expect(rows).toBe(592_084);
    const a = u.get("A")!;
    expect([a.ticker, a.timeframe, a.close[0], a.adjClose![0]]).toEqual(["A", "1d", 40.11, 38.2232]);
    expect(new Date(a.ts[0]).toISOString().slice(0, 10)).toBe("2015-01-12");
    expect(u.get("SNI")!.ts.length).toBe(2);
  });
});
