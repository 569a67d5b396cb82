/** Input checks shared by the engine and the sweep; every message names the field, index and date. */
import type { Bars } from "../data";

function when(ts: Float64Array, i: number): string {
  const t = ts[i];
  return Number.isFinite(t) ? ` (${new Date(t).toISOString()})` : "";
}

/** Prices finite and > 0, high >= low, ts strictly increasing. */
export function checkBars(bars: Bars, label = bars.ticker): void {
  const n = bars.ts.length;
  const { ts, open, high, low, close } = bars;
  for (const [field, col] of [
    ["open", open],
    ["high", high],
    ["low", low],
    ["close", close],
  ] as const) {
    if (col.length !== n)
      throw new Error(`bars ${label}: ${field} has length ${col.length}, expected ${n} (length of ts)`);
  }
  const inf = Number.POSITIVE_INFINITY;
  let prev = Number.NEGATIVE_INFINITY;
  // One fused pass (this runs on every backtest of a million bars); the slow path finds the field.
  for (let i = 0; i < n; i++) {
    const o = open[i];
    const h = high[i];
    const l = low[i];
    const c = close[i];
    const t = ts[i];
    if (o > 0 && o < inf && h < inf && l > 0 && c > 0 && c < inf && h >= l && t > prev) {
      prev = t;
      continue;
    }
    for (const [field, v] of [
      ["open", o],
      ["high", h],
      ["low", l],
      ["close", c],
    ] as const) {
      if (!(v > 0) || v === inf) {
        throw new Error(`bars ${label}: ${field}[${i}]${when(ts, i)} is ${v}, expected a finite price > 0`);
      }
    }
    if (h < l) throw new Error(`bars ${label}: high[${i}]${when(ts, i)} = ${h} is below low = ${l}`);
    throw new Error(`bars ${label}: ts[${i}] = ${t} is not after ts[${i - 1}] = ${ts[i - 1]}`);
  }
  if (bars.volume && bars.volume.length !== n) {
    throw new Error(`bars ${label}: volume has length ${bars.volume.length}, expected ${n}`);
  }
}

/** A per-bar input column must have one value per bar. */
export function checkAligned(name: string, label: string, len: number, bars: Bars): void {
  const n = bars.ts.length;
  if (len !== n) {
    throw new Error(
      `${name} for ${label} has length ${len}, expected ${n} (one per bar of ${bars.ticker} ${bars.timeframe}, ` +
        `${new Date(bars.ts[0]).toISOString()} .. ${new Date(bars.ts[n - 1]).toISOString()})`,
    );
  }
}

export function checkSignalValues(signal: Int8Array, label: string, ts: Float64Array): void {
  for (let i = 0; i < signal.length; i++) {
    const s = signal[i];
    if (s !== 0 && s !== 1 && s !== -1) {
      throw new Error(`signal for ${label}: value at index ${i}${when(ts, i)} is ${s}, expected -1, 0 or 1`);
    }
  }
}

/** Column optional but when given: finite (or NaN where allowed) and within [min, max]. */
export function checkRange(
  name: string,
  label: string,
  col: Float64Array,
  ts: Float64Array,
  min: number,
  max: number,
  allowNaN: boolean,
): void {
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (Number.isNaN(v)) {
      if (allowNaN) continue;
      throw new Error(`${name} for ${label}: value at index ${i}${when(ts, i)} is NaN`);
    }
    if (v < min || v > max) {
      throw new Error(
        `${name} for ${label}: value at index ${i}${when(ts, i)} is ${v}, expected within [${min}, ${max}]`,
      );
    }
  }
}

/** All assets of a portfolio must share the same bar timestamps. */
export function checkSameTimestamps(all: readonly Bars[]): void {
  const ref = all[0];
  for (let a = 1; a < all.length; a++) {
    const b = all[a];
    if (b.ts.length !== ref.ts.length) {
      throw new Error(
        `bars ${b.ticker}: ${b.ts.length} bars, expected ${ref.ts.length} (same timestamps as ${ref.ticker})`,
      );
    }
    for (let i = 0; i < b.ts.length; i++) {
      if (b.ts[i] !== ref.ts[i]) {
        throw new Error(
          `bars ${b.ticker}: ts[${i}]${when(b.ts, i)} differs from ${ref.ticker}${when(ref.ts, i)}; align the tickers first`,
        );
      }
    }
  }
}
