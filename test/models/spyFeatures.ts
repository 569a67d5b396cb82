/**
 * Test helper: a small leak-free feature set from the bundled SPY daily bars. Every feature at
 * row t uses bars ≤ t only; labels look one bar ahead. Rows run in time order.
 */
import { join } from "node:path";
import { loadCsv } from "../../src/data/csv";
import { type FeatureMatrix, fromColumns } from "../../src/models/matrix";

export interface SpyData {
  X: FeatureMatrix;
  /** Next-day direction: close[t+1] > close[t]. */
  direction: Float64Array;
  /** Next-day |log return| above the trailing 250-day median |log return| (volatility is predictable). */
  bigMove: Float64Array;
  /** Next-day log-return tercile (0 down, 1 flat, 2 up) using cuts of the training-free full sample. */
  tercile: Float64Array;
  /** Bar index (into the CSV) of each row and its open time. */
  barIndex: Int32Array;
  ts: Float64Array;
}

const WARMUP = 250;

export function spyFeatures(): SpyData {
  const bars = loadCsv(join(process.cwd(), "data/daily/SPY.csv"));
  const c = bars.close;
  const n = c.length;
  const r = new Float64Array(n);
  for (let t = 1; t < n; t++) r[t] = Math.log(c[t] / c[t - 1]);
  const rows = n - WARMUP - 1;
  const cols: Record<string, Float64Array> = {};
  const add = (name: string, f: (t: number) => number) => {
    const a = new Float64Array(rows);
    for (let i = 0; i < rows; i++) a[i] = f(i + WARMUP);
    cols[name] = a;
  };
  const sum = (t: number, k: number) => {
    let s = 0;
    for (let j = t - k + 1; j <= t; j++) s += r[j];
    return s;
  };
  const vol = (t: number, k: number) => {
    let s = 0;
    let s2 = 0;
    for (let j = t - k + 1; j <= t; j++) {
      s += r[j];
      s2 += r[j] * r[j];
    }
    return Math.sqrt(Math.max(0, s2 / k - (s / k) ** 2));
  };
  add("ret_1", (t) => r[t]);
  add("ret_2", (t) => r[t - 1]);
  add("ret_5", (t) => sum(t, 5));
  add("ret_20", (t) => sum(t, 20));
  add("vol_5", (t) => vol(t, 5));
  add("vol_20", (t) => vol(t, 20));
  add("vol_60", (t) => vol(t, 60));
  add("range", (t) => (bars.high[t] - bars.low[t]) / c[t]);
  add("gap", (t) => Math.log(bars.open[t] / c[t - 1]));
  add("dist_ma50", (t) => {
    let s = 0;
    for (let j = t - 49; j <= t; j++) s += c[j];
    return c[t] / (s / 50) - 1;
  });
  const direction = new Float64Array(rows);
  const bigMove = new Float64Array(rows);
  const tercile = new Float64Array(rows);
  const barIndex = new Int32Array(rows);
  const ts = new Float64Array(rows);
  const sorted = Float64Array.from(r.subarray(WARMUP + 1)).sort();
  const lo = sorted[Math.floor(sorted.length / 3)];
  const hi = sorted[Math.floor((2 * sorted.length) / 3)];
  for (let i = 0; i < rows; i++) {
    const t = i + WARMUP;
    direction[i] = r[t + 1] > 0 ? 1 : 0;
    const past = Float64Array.from(r.subarray(t - 249, t + 1), Math.abs).sort();
    bigMove[i] = Math.abs(r[t + 1]) > past[125] ? 1 : 0;
    tercile[i] = r[t + 1] <= lo ? 0 : r[t + 1] <= hi ? 1 : 2;
    barIndex[i] = t;
    ts[i] = bars.ts[t];
  }
  return { X: fromColumns(Object.keys(cols), Object.values(cols)), direction, bigMove, tercile, barIndex, ts };
}

/** Time-ordered split: the first `frac` of rows train, the rest test (with a one-row gap for the 1-day label). */
export function timeSplit(n: number, frac: number): { train: Int32Array; test: Int32Array } {
  const cut = Math.floor(n * frac);
  return {
    train: Int32Array.from({ length: cut }, (_, i) => i),
    test: Int32Array.from({ length: n - cut - 1 }, (_, i) => cut + 1 + i),
  };
}

export function pick(y: Float64Array, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (r) => y[r]);
}
