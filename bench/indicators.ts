/**
 * `npm run bench -- indicators`: the indicator library on the million-bar series (docs/architecture.md),
 * single thread, in one table.
 *
 * - ours: every catalog indicator (INDICATOR_CATALOG), the descriptor's batch with its defaults.
 * - TA-Lib (python, the same bars written once to a binary file; only the calls on numpy arrays
 *   are timed): every catalog indicator TA-Lib also computes, called as the reference fixtures
 *   (scripts/fixtures/indicators_*.py) call it, outputs TA-Lib lacks derived with numpy in the
 *   timed call (Bollinger's width and %B, Keltner's bands from EMA and ATR, Donchian's middle);
 *   ADX is ADX + PLUS_DI + MINUS_DI, the three series our adx() returns. Indicators TA-Lib lacks
 *   are left out of the TA-Lib ratio.
 * - the JS libraries, for RSI(14), EMA(20), MACD(12,26,9), Bollinger(20,2), ATR(14), ADX(14):
 *   `trading-signals` (v8 has no Faster* classes any more: its plain-number classes, fed one value
 *   or candle at a time, are its fastest path) and `technicalindicators` (`calculate` on number
 *   arrays). Input conversion to each library's native form is done before timing.
 *
 * Every figure is the median CPU time of 5 runs after a warm-up run, each run after a full garbage
 * collection (in node and in python); the machine is shared, so single runs are noisy.
 * Last line: one JSON object with the keys of issues 4 and 20.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import ti from "technicalindicators";
import * as tsig from "trading-signals";
import type { Bars } from "../src/data";
import { INDICATOR_CATALOG } from "../src/features";
import { millionBars } from "./_millionBars";

const root = fileURLToPath(new URL("..", import.meta.url));
const python = join(root, ".venv-bench", "bin", "python");
const RUNS = 5;
/**
 * Untimed calls before the timed ones: a million-value indicator reaches its steady time only after
 * a few calls (V8's optimised code, the allocator's reuse of freed arrays: Bollinger measured
 * 117, 80, 103, 59, 45, 20, 30, 23 ms on its first eight calls), for every contender alike.
 */
const WARMUP = 3;

/** CPU time (user + system of this process, ms) of one call. CPU rather than wall time: the 2
 * cores are shared, and a process waiting for a core accrues wall time but not CPU time. TA-Lib
 * is timed the same way (time.process_time in its own process). */
function cpuMs(fn: () => unknown): number {
  const t0 = process.cpuUsage();
  fn();
  const dt = process.cpuUsage(t0);
  return (dt.user + dt.system) / 1000;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// A full collection before every timed call (outside the timing), so that no figure pays for
// the garbage of the call before it, another indicator's or its own (a million-value array
// freed late costs page faults in whatever runs next).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Median of RUNS CPU times per contender, each after WARMUP calls, one contender after another. */
function medians(fns: Record<string, () => unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, fn] of Object.entries(fns)) {
    for (let w = 0; w < WARMUP; w++) fn();
    const runs: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      gc();
      runs.push(cpuMs(fn));
    }
    out[name] = median(runs);
  }
  return out;
}

const fmt = (ms: number | undefined, w = 8) =>
  (ms === undefined ? "-" : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)).padStart(w);
const ratio = (x: number | undefined, w: number) => (x === undefined ? "-" : `${x.toFixed(2)}x`).padStart(w);

const bars: Bars = millionBars();
const n = bars.close.length;
const { open, high, low, close, volume } = bars;
console.log(`indicators on the million-bar series: ${n} bars, single thread, median CPU time of ${RUNS} runs (ms)`);

// Ours first, before the other libraries' inputs (a million candle objects, number arrays) fill
// the heap, since those are not ours to collect. There is no million-bar benchmark series;
// cross-asset entries get the series' open as a stand-in benchmark close, which costs the same.
const ours = medians(
  Object.fromEntries(
    INDICATOR_CATALOG.map((e) => [e.name, () => e.batch(bars, e.needsBenchmark ? open : undefined)] as const),
  ),
);

/** TA-Lib twins of catalog indicators, as python expressions over numpy arrays o, h, l, c, v. */
const TALIB: Record<string, string> = {
  sma_20: "talib.SMA(c, 20)",
  ema_20: "talib.EMA(c, 20)",
  wma_20: "talib.WMA(c, 20)",
  dema_20: "talib.DEMA(c, 20)",
  tema_20: "talib.TEMA(c, 20)",
  "t3_5_0.7": "talib.T3(c, 5, 0.7)",
  kama_10: "talib.KAMA(c, 10)",
  "psar_0.02_0.2": "talib.SAR(h, l, 0.02, 0.2)",
  macd_12_26_9: "talib.MACD(c, 12, 26, 9)",
  adx_14: "(talib.ADX(h, l, c, 14), talib.PLUS_DI(h, l, c, 14), talib.MINUS_DI(h, l, c, 14))",
  aroon_14: "(talib.AROON(h, l, 14), talib.AROONOSC(h, l, 14))",
  linreg_slope_14: "talib.LINEARREG_SLOPE(c, 14)",
  rsi_14: "talib.RSI(c, 14)",
  stoch_14_3_3: "talib.STOCH(h, l, c, 14, 3, 0, 3, 0)",
  stochrsi_14_14_3: "talib.STOCHRSI(c, 14, 14, 3, 0)",
  willr_14: "talib.WILLR(h, l, c, 14)",
  cci_20: "talib.CCI(h, l, c, 20)",
  roc_10: "talib.ROC(c, 10)",
  mom_10: "talib.MOM(c, 10)",
  trix_30: "talib.TRIX(c, 30)",
  cmo_14: "talib.CMO(c, 14)",
  apo_12_26: "talib.APO(c, 12, 26, talib.MA_Type.SMA)",
  ppo_12_26: "talib.PPO(c, 12, 26, talib.MA_Type.SMA)",
  ultosc_7_14_28: "talib.ULTOSC(h, l, c, 7, 14, 28)",
  mfi_14: "talib.MFI(h, l, c, v, 14)",
  atr_14: "talib.ATR(h, l, c, 14)",
  natr_14: "talib.NATR(h, l, c, 14)",
  bollinger_20_2: "bollinger()",
  keltner_20_10_2: "keltner()",
  donchian_20: "donchian()",
  stddev_5_1: "talib.STDDEV(c, 5, 1)",
  obv: "talib.OBV(c, v)",
  accumulation_distribution: "talib.AD(h, l, c, v)",
  chaikin_oscillator_3_10: "talib.ADOSC(h, l, c, v, 3, 10)",
};

/** Median TA-Lib CPU times (ms) on the same bars, per catalog name of TALIB. */
function talibTimes(): Record<string, number> {
  const dir = join(root, ".wsp", "bench");
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, "indicators-ohlcv.f64");
  if (!existsSync(bin)) {
    const all = new Float64Array(5 * n);
    for (const [k, col] of [open, high, low, close, volume!].entries()) all.set(col, k * n);
    writeFileSync(bin, new Uint8Array(all.buffer));
  }
  const calls = Object.entries(TALIB)
    .map(([name, expr]) => `  ${JSON.stringify(name)}: lambda: ${expr},`)
    .join("\n");
  const script = `
import gc, json, sys, time
import numpy as np, talib
o, h, l, c, v = (np.ascontiguousarray(a) for a in np.fromfile(sys.argv[1], dtype=np.float64).reshape(5, -1))
def bollinger():
  up, mid, lo = talib.BBANDS(c, 20, 2.0, 2.0, 0)
  with np.errstate(invalid="ignore", divide="ignore"):
    return (up - lo) / mid, np.where(up > lo, (c - lo) / (up - lo), np.nan)
def keltner():
  e, a = talib.EMA(c, 20), talib.ATR(h, l, c, 10)
  return e + 2 * a, e - 2 * a
def donchian():
  hi, lo = talib.MAX(h, 20), talib.MIN(l, 20)
  return (hi + lo) / 2
calls = {
${calls}
}
runs = {name: [] for name in calls}
for name, fn in calls.items():
  for _ in range(${WARMUP}):
    fn()
  for _ in range(${RUNS}):
    gc.collect()
    t0 = time.process_time(); fn(); runs[name].append((time.process_time() - t0) * 1000)
print(json.dumps({name: float(np.median(ts)) for name, ts in runs.items()}))
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
const tsMs = medians(tradingSignals);
const tiMs = medians(technicalIndicators);

console.log(
  "\nms CPU; x TA-Lib = ours / TA-Lib (goal <= 2x); speedup = faster JS library / ours (floor >= 5x, goal >= 10x)",
);
console.log(
  `${"indicator".padEnd(30)} ${"ours".padStart(8)} ${"TA-Lib".padStart(8)} ${"x TA-Lib".padStart(8)} ${"tr-signals".padStart(10)} ${"tech-ind".padStart(8)} ${"speedup".padStart(8)}`,
);
const slowdowns: [string, number][] = [];
const speedups: [string, number][] = [];
let catalogTotal = 0;
for (const { name } of INDICATOR_CATALOG) {
  const ms = ours[name];
  catalogTotal += ms;
  const vsTalib = talib[name] === undefined ? undefined : ms / talib[name];
  const speedup = tsMs[name] === undefined ? undefined : Math.min(tsMs[name], tiMs[name]) / ms;
  if (vsTalib !== undefined) slowdowns.push([name, vsTalib]);
  if (speedup !== undefined) speedups.push([name, speedup]);
  console.log(
    `${name.padEnd(30)} ${fmt(ms)} ${fmt(talib[name])} ${ratio(vsTalib, 8)} ${fmt(tsMs[name], 10)} ${fmt(tiMs[name])} ${ratio(speedup, 8)}`,
  );
}
console.log(`${"all catalog indicators".padEnd(30)} ${fmt(catalogTotal)}`);

const worst = slowdowns.reduce((a, b) => (b[1] > a[1] ? b : a));
const slowest = speedups.reduce((a, b) => (b[1] < a[1] ? b : a));
const within2x = slowdowns.filter(([, r]) => r <= 2).length;
const geomean = Math.exp(speedups.reduce((a, [, s]) => a + Math.log(s), 0) / speedups.length);
const round = (x: number, d: number) => Number(x.toFixed(d));
console.log(
  `\nTA-Lib: worst ${worst[1].toFixed(2)}x (${worst[0]}), ${within2x} of ${slowdowns.length} twins <= 2x; JS: slowest speedup ${slowest[1].toFixed(1)}x (${slowest[0]}), geomean ${geomean.toFixed(1)}x`,
);
console.log(
  JSON.stringify({
    indicators: INDICATOR_CATALOG.length,
    min_speedup_vs_js: round(slowest[1], 2),
    min_speedup_vs_js_indicator: slowest[0],
    geomean_speedup_vs_js: round(geomean, 2),
    max_slowdown_vs_talib: round(worst[1], 3),
    max_slowdown_vs_talib_indicator: worst[0],
    talib_twins: slowdowns.length,
    talib_twins_within_2x: within2x,
    rsi_million_ms: round(ours.rsi_14, 2),
  }),
);
