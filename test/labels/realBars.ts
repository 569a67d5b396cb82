/** Bundled real bars for the label, validation and calibration suites, loaded once per test file through src/data. */
import type { Bars } from "../../src/data/bars";
import { loadBundled } from "../../src/data/bundled";

const cache = new Map<string, Bars>();

function cached(ticker: string, timeframe: "1d" | "1m"): Bars {
  const key = `${ticker}:${timeframe}`;
  let bars = cache.get(key);
  if (!bars) {
    bars = loadBundled(ticker, timeframe);
    cache.set(key, bars);
  }
  return bars;
}

export function loadDaily(ticker: string): Bars {
  return cached(ticker, "1d");
}

export function loadSpy1m(): Bars {
  return cached("SPY", "1m");
}
