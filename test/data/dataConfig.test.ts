import { describe, expect, it } from "vitest";
import { DataFormatError, dataConfigSchema, isoDate, loadBundled, loadDataBlock, newYorkDayOf } from "../../src/data";

describe("data: config block", () => {
  it("fills defaults and rejects malformed blocks", () => {
    expect(dataConfigSchema.parse({ tickers: ["SPY"] })).toEqual({
      tickers: ["SPY"],
      timeframe: "1d",
      source: "bundled",
      context: [],
    });
    expect(dataConfigSchema.parse({ tickers: ["SPY"], start: new Date("2000-01-03T00:00:00Z") }).start).toBe(
      "2000-01-03",
    );
    for (const bad of [
      { tickers: [] },
      { tickers: ["SPY"], timeframe: "2m" },
      { tickers: ["SPY"], start: "2020-02-30" },
      { tickers: ["SPY"], start: "2020/01/02" },
      { tickers: ["SPY"], source: "parquet:x" },
      { tickers: ["SPY"], start: "2021-01-01", end: "2020-01-01" },
      { tickers: ["SPY"], extra: 1 },
    ]) {
      expect(dataConfigSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("loads tickers and context on the configured window", async () => {
    const { tickers, context } = await loadDataBlock({
      tickers: ["SPY", "QQQ"],
      start: "2020-01-01",
      end: "2020-12-31",
      context: ["VIX"],
    });
    expect(tickers.map((s) => s.bars.ticker)).toEqual(["SPY", "QQQ"]);
    expect(tickers[0].bars.ts.length).toBe(253);
    expect(isoDate(tickers[0].bars.ts[0])).toBe("2020-01-02");
    expect(isoDate(tickers[0].bars.ts[252])).toBe("2020-12-31");
    expect(context[0].bars.volume).toBeNull();
    expect(context[0].resampledFrom).toBeNull();
  });

  it("resamples from the coarsest finer bundled timeframe when the wanted one is not bundled", async () => {
    const { tickers } = await loadDataBlock({
      tickers: ["SPY", "AAPL"],
      timeframe: "1h",
      start: "2025-11-28",
      end: "2025-11-28",
    });
    expect(tickers.map((s) => s.resampledFrom)).toEqual(["5m", "5m"]);
    expect(tickers[0].bars.ts.length).toBe(4);
    expect(tickers[0].bars.ts.every((t) => isoDate(newYorkDayOf(t)) === "2025-11-28")).toBe(true);
    const weekly = await loadDataBlock({ tickers: ["SPY"], timeframe: "1w" });
    expect(weekly.tickers[0].resampledFrom).toBe("1d");
  });

  it("says that a csv: source path does not exist", async () => {
    await expect(loadDataBlock({ tickers: ["SPY"], source: "csv:/nope" })).rejects.toThrow(
      "/nope: the path does not exist",
    );
  });

  it("reads csv:<file> and csv:<data dir> sources", async () => {
    const one = await loadDataBlock({ tickers: ["IWM"], source: "csv:data/daily/IWM.csv" });
    expect(one.tickers[0].bars.ts.length).toBe(6598);
    const dir = await loadDataBlock({ tickers: ["DIA"], source: "csv:data", end: "1998-01-31" });
    expect(dir.tickers[0].bars.ts.length).toBe(9);
  });

  it("uses the store query passed in for source store", async () => {
    const calls: string[] = [];
    const { tickers } = await loadDataBlock(
      { tickers: ["SPY"], source: "store", start: "2024-01-02", end: "2024-01-05" },
      {
        fromStore: async (ticker, timeframe, from, to) => {
          calls.push(`${ticker} ${timeframe} ${isoDate(from)} ${isoDate(to)}`);
          return loadBundled(ticker, timeframe);
        },
      },
    );
    expect(calls).toEqual(["SPY 1d 2024-01-02 2024-01-06"]);
    expect(tickers[0].bars.ts.length).toBe(4);
    await expect(loadDataBlock({ tickers: ["SPY"], source: "store" })).rejects.toThrow(/options\.fromStore/);
  });

  it("names the problem for an unknown ticker or an empty window", async () => {
    await expect(loadDataBlock({ tickers: ["TSLA"] })).rejects.toThrow(/unknown ticker TSLA; available: .*SPY/);
    await expect(loadDataBlock({ tickers: ["GSPC"], start: "2020-01-01" })).rejects.toThrow(
      /no 1d bars for GSPC in 2020-01-01\.\.end; the data covers 1999-01-04\.\.2018-12-31/,
    );
    await expect(loadDataBlock({ tickers: ["VIX"], timeframe: "5m" })).rejects.toThrow(DataFormatError);
  });
});
