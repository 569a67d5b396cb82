/**
 * Test-only reader for the bundled CSVs until src/data's loader lands: parses
 * data/daily/<T>.csv and data/intraday/<T>_<tf>.csv(.gz) into the shared `Bars` type.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { Bars, Timeframe } from "../../src/data/bars";

const DATA = join(process.cwd(), "data");
const cache = new Map<string, Bars>();

function parse(text: string, ticker: string, timeframe: Timeframe): Bars {
  const lines = text.trim().split("\n");
  const n = lines.length - 1;
  const ts = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const f = lines[i + 1].split(",");
    ts[i] = Date.parse(f[0].length === 10 ? `${f[0]}T00:00:00Z` : f[0]);
    open[i] = Number(f[1]);
    high[i] = Number(f[2]);
    low[i] = Number(f[3]);
    close[i] = Number(f[4]);
    volume[i] = Number(f[5]);
  }
  return { ticker, timeframe, ts, open, high, low, close, volume, adjClose: null };
}

export function loadDaily(ticker: string): Bars {
  const key = `${ticker}:1d`;
  let bars = cache.get(key);
  if (!bars) {
    bars = parse(readFileSync(join(DATA, "daily", `${ticker}.csv`), "utf8"), ticker, "1d");
    cache.set(key, bars);
  }
  return bars;
}

export function loadSpy1m(): Bars {
  const key = "SPY:1m";
  let bars = cache.get(key);
  if (!bars) {
    bars = parse(gunzipSync(readFileSync(join(DATA, "intraday", "SPY_1m.csv.gz"))).toString("utf8"), "SPY", "1m");
    cache.set(key, bars);
  }
  return bars;
}
