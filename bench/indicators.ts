/**
 * `npm run bench -- indicators`: the indicator library on the million-bar series (docs/architecture.md),
 * single thread.
 *
 * 1. Every catalog indicator (both parts of the library, via INDICATOR_CATALOG): batch time.
 * 2. RSI(14), EMA(20), MACD(12,26,9), Bollinger(20,2), ATR(14), ADX(14) against
 *    `trading-signals` (v8 has no Faster* classes any more: its plain-number classes, fed one
 *    value or candle at a time, are its fastest path), `technicalindicators` (`calculate` on
 *    number arrays) and TA-Lib (python, the same bars written once to a binary file; only the
 *    TA-Lib call on numpy arrays is timed; for ADX the three calls ADX, PLUS_DI, MINUS_DI that
 *    give the three series our adx() returns, with ADX alone printed too). Input conversion to
 *    each library's native form (number[] / candle objects) is done before timing.
 *
 * Every time is the best CPU time of several runs after a warm-up run; the machine is shared,
 * so the figures are noisy even so. Last line: one JSON object with the keys issue 4 names.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ti from "technicalindicators";
import * as tsig from "trading-signals";
import type { Bars } from "../src/data";
import { adx, atr, bollinger, INDICATOR_CATALOG, ema, macd, rsi } from "../src/features";
import { millionBars } from "./_millionBars";

const root = fileURLToPath(new URL("..", import.meta.url));
const python = join(root, ".venv-bench", "bin", "python");

/**
 * Best CPU time (user + system of this process, ms) over `reps` runs after one untimed warm-up
 * run. CPU time rather than wall time: the 2 cores are shared with other work, and a process
 * waiting for a core accrues wall time but not CPU time. TA-Lib is timed the same way
 * (time.process_time in its own process).
 */
function bestMs(fn: () => unknown, reps: number): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = process.cpuUsage();
    fn();
    const dt = process.cpuUsage(t0);
    best = Math.min(best, (dt.user + dt.system) / 1000);
  }
  return best;
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)).padStart(8);

const bars: Bars = millionBars();
const n = bars.close.length;
const { high, low, close } = bars;
console.log(
  `indicators on the million-bar series: ${n} bars, single thread, best CPU time of several runs (ms; noisy, shared machine)`,
);

// 1. every catalog indicator
console.log("\n-- every catalog indicator (batch, ms) --");
// There is no million-bar benchmark series; cross-asset entries get the series' open as a
// stand-in benchmark close, which costs the same to process.
const benchmarkClose = bars.open;
let catalogTotal = 0;
for (const entry of INDICATOR_CATALOG) {
  const ms = bestMs(() => entry.batch(bars, entry.needsBenchmark ? benchmarkClose : undefined), 3);
  catalogTotal += ms;
  console.log(`${entry.name.padEnd(32)} ${fmt(ms)}`);
}
console.log(`${"all catalog indicators".padEnd(32)} ${fmt(catalogTotal)}`);

// 2. the six head-to-head comparisons. Ours are timed first, before the other libraries'
// inputs (a million candle objects, number arrays) fill the heap, since those are not ours to
// collect; every timing alternates between the contenders over several rounds (min kept).
const ROUNDS = 4;

const ours: Record<string, () => unknown> = {
  rsi_14: () => rsi(close, 14),
  ema_20: () => ema(close, 20),
  macd_12_26_9: () => macd(close, 12, 26, 9),
  bollinger_20_2: () => bollinger(close, 20, 2),
  atr_14: () => atr(high, low, close, 14),
  adx_14: () => adx(high, low, close, 14),
};
const NAMES = Object.keys(ours);

const oursMs: Record<string, number> = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const name of NAMES) oursMs[name] = Math.min(oursMs[name] ?? Number.POSITIVE_INFINITY, bestMs(ours[name], 5));
}

/**
 * TA-Lib times (ms of CPU) from the bench venv on the same bars. `adx_14` is matched to what
 * our adx() returns (ADX, +DI, −DI: three TA-Lib calls); `adx_only` is TA-Lib's ADX alone.
 */
function talibTimes(): Record<string, number> {
  const dir = join(root, ".wsp", "bench");
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, "indicators-hlc.f64");
  if (!existsSync(bin)) {
    const all = new Float64Array(3 * n);
    all.set(high, 0);
    all.set(low, n);
    all.set(close, 2 * n);
    writeFileSync(bin, new Uint8Array(all.buffer));
  }
  const script = `
import json, sys, time
import numpy as np, talib
h, l, c = np.fromfile(sys.argv[1], dtype=np.float64).reshape(3, -1)
h, l, c = (np.ascontiguousarray(a) for a in (h, l, c))
calls = {
  "rsi_14": lambda: talib.RSI(c, 14),
  "ema_20": lambda: talib.EMA(c, 20),
  "macd_12_26_9": lambda: talib.MACD(c, 12, 26, 9),
  "bollinger_20_2": lambda: talib.BBANDS(c, 20, 2.0, 2.0, 0),
  "atr_14": lambda: talib.ATR(h, l, c, 14),
  "adx_14": lambda: (talib.ADX(h, l, c, 14), talib.PLUS_DI(h, l, c, 14), talib.MINUS_DI(h, l, c, 14)),
  "adx_only": lambda: talib.ADX(h, l, c, 14),
}
out = {}
for _ in range(4):
  for name, fn in calls.items():
    fn()
    for _ in range(5):
      t0 = time.process_time(); fn(); dt = (time.process_time() - t0) * 1000
      out[name] = min(out.get(name, float("inf")), dt)
print(json.dumps(out))
`;
  const text = execFileSync(python, ["-c", script, bin], { encoding: "utf8" });
  return JSON.parse(text.trim().split("\n").pop()!) as Record<string, number>;
}
const talib = talibTimes();

const closeArr = Array.from(close);
const highArr = Array.from(high);
const lowArr = Array.from(low);
const candles = closeArr.map((c, i) => ({ high: highArr[i], low: lowArr[i], close: c }));

/** trading-signals: one update per bar (its only API), on its native inputs. */
function feed<T>(make: () => { update(x: T, replace: boolean): unknown }, inputs: readonly T[]): () => number {
  return () => {
    const ind = make();
    let last: unknown = null;
    for (let i = 0; i < inputs.length; i++) last = ind.update(inputs[i], false);
    return last === null ? 0 : 1;
  };
}

const tradingSignals: Record<string, () => unknown> = {
  rsi_14: feed(() => new tsig.RSI(14), closeArr),
  ema_20: feed(() => new tsig.EMA(20), closeArr),
  macd_12_26_9: feed(() => new tsig.MACD(new tsig.EMA(12), new tsig.EMA(26), new tsig.EMA(9)), closeArr),
  bollinger_20_2: feed(() => new tsig.BollingerBands(20, 2), closeArr),
  atr_14: feed(() => new tsig.ATR(14), candles),
  adx_14: feed(() => new tsig.ADX(14), candles),
};
const technicalIndicators: Record<string, () => unknown> = {
  rsi_14: () => ti.RSI.calculate({ values: closeArr, period: 14 }),
  ema_20: () => ti.EMA.calculate({ values: closeArr, period: 20 }),
  macd_12_26_9: () =>
    ti.MACD.calculate({
      values: closeArr,
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    }),
  bollinger_20_2: () => ti.BollingerBands.calculate({ values: closeArr, period: 20, stdDev: 2 }),
  atr_14: () => ti.ATR.calculate({ high: highArr, low: lowArr, close: closeArr, period: 14 }),
  adx_14: () => ti.ADX.calculate({ high: highArr, low: lowArr, close: closeArr, period: 14 }),
};
const tsMs: Record<string, number> = {};
const tiMs: Record<string, number> = {};
for (let r = 0; r < 2; r++) {
  for (const name of NAMES) {
    tsMs[name] = Math.min(tsMs[name] ?? Number.POSITIVE_INFINITY, bestMs(tradingSignals[name], 2));
    tiMs[name] = Math.min(tiMs[name] ?? Number.POSITIVE_INFINITY, bestMs(technicalIndicators[name], 2));
  }
}

console.log("\n-- head to head (ms CPU; speedup = faster JS library / ours; vs TA-Lib = ours / TA-Lib) --");
console.log(
  `${"indicator".padEnd(16)} ${"ours".padStart(8)} ${"tr-signals".padStart(10)} ${"tech-ind".padStart(8)} ${"TA-Lib".padStart(8)} ${"speedup".padStart(8)} ${"vs TA-Lib".padStart(9)}`,
);
const speedups: number[] = [];
const slowdowns: number[] = [];
for (const name of NAMES) {
  const speedup = Math.min(tsMs[name], tiMs[name]) / oursMs[name];
  const slowdown = oursMs[name] / talib[name];
  speedups.push(speedup);
  slowdowns.push(slowdown);
  console.log(
    `${name.padEnd(16)} ${fmt(oursMs[name])} ${fmt(tsMs[name]).padStart(10)} ${fmt(tiMs[name])} ${fmt(talib[name])} ${speedup.toFixed(1).padStart(7)}x ${slowdown.toFixed(2).padStart(8)}x`,
  );
}
console.log(
  `(TA-Lib adx_14 = ADX + PLUS_DI + MINUS_DI, the three series our adx() returns; ADX alone ${talib.adx_only.toFixed(1)} ms, ours / that = ${(oursMs.adx_14 / talib.adx_only).toFixed(2)}x)`,
);
const geomean = Math.exp(speedups.reduce((a, s) => a + Math.log(s), 0) / speedups.length);
const round = (x: number, d: number) => Number(x.toFixed(d));
console.log(
  `\nmin speedup vs JS ${Math.min(...speedups).toFixed(1)}x, geomean ${geomean.toFixed(1)}x, worst vs TA-Lib ${Math.max(...slowdowns).toFixed(2)}x (goals: >= 5x, >= 10x, <= 2x)`,
);
console.log(
  JSON.stringify({
    indicators: INDICATOR_CATALOG.length,
    min_speedup_vs_js: round(Math.min(...speedups), 2),
    geomean_speedup_vs_js: round(geomean, 2),
    max_slowdown_vs_talib: round(Math.max(...slowdowns), 3),
    rsi_million_ms: round(oursMs.rsi_14, 2),
  }),
);
