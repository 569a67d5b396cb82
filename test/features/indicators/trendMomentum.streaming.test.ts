/**
 * Streaming twins equal their batch functions on real bars; warm-up lengths are TA-Lib's
 * lookbacks; values do not depend on later bars (truncation invariance); a NaN bar restarts the
 * indicator (NaN exactly for the windows holding it in windowed indicators).
 */
import { describe, expect, it } from "vitest";
import type { Bars } from "../../../src/data";
import { sliceBars } from "../../../src/data";
import type { CatalogEntry } from "../../../src/features/indicators/catalog";
import { trendMomentumCatalog } from "../../../src/features/indicators/catalog";
import { barAt, copyBars, DATASETS, firstMismatch, firstValid } from "./_trendMomentumData";

const ENTRIES = trendMomentumCatalog.map((e) => [e.name, e] as const);

/** First valid index of every output = TA-Lib's lookback (or the published warm-up). */
const WARMUP: Record<string, Record<string, number>> = {
  sma_20: { value: 19 },
  ema_20: { value: 19 },
  wma_20: { value: 19 },
  dema_20: { value: 38 },
  tema_20: { value: 57 },
  kama_10: { value: 10 },
  hma_20: { value: 22 },
  macd_12_26_9: { macd: 33, signal: 33, hist: 33 },
  adx_14: { adx: 27, plusDi: 14, minusDi: 14 },
  aroon_14: { up: 14, down: 14, osc: 14 },
  "psar_0.02_0.2": { value: 1 },
  ichimoku_9_26_52: { tenkan: 8, kijun: 25, senkouA: 25, senkouB: 51 },
  linreg_slope_14: { value: 13 },
  rsi_14: { value: 14 },
  stoch_14_3_3: { k: 17, d: 17 },
  stochrsi_14_14_3: { k: 29, d: 29 },
  willr_14: { value: 13 },
  cci_20: { value: 19 },
  roc_10: { value: 10 },
  mom_10: { value: 10 },
  tsi_25_13: { value: 37 },
  ultosc_7_14_28: { value: 28 },
  mfi_14: { value: 14 },
  trix_30: { value: 88 },
  "t3_5_0.7": { value: 24 },
  cmo_14: { value: 14 },
  apo_12_26: { value: 25 },
  ppo_12_26: { value: 25 },
};

/** Indicators whose value at t depends only on a fixed window of bars ending at t. */
const WINDOWED = new Set([
  "sma_20",
  "wma_20",
  "hma_20",
  "aroon_14",
  "ichimoku_9_26_52",
  "linreg_slope_14",
  "stoch_14_3_3",
  "willr_14",
  "cci_20",
  "roc_10",
  "mom_10",
  "ultosc_7_14_28",
  "mfi_14",
  "apo_12_26",
  "ppo_12_26",
]);

function streamAll(entry: CatalogEntry, bars: Bars): Record<string, Float64Array> {
  const s = entry.stream();
  const n = bars.close.length;
  const out: Record<string, Float64Array> = {};
  for (let i = 0; i < n; i++) {
    const v = s.update(barAt(bars, i));
    for (const key of Object.keys(v)) {
      out[key] ??= new Float64Array(n);
      out[key][i] = v[key];
    }
  }
  return out;
}

function expectSame(got: Float64Array, want: Float64Array, label: string, from = 0, to = want.length): void {
  const bad = firstMismatch(got, want, from, to);
  expect(bad === -1 ? "ok" : `${label}[${bad}]: got ${got[bad]}, expected ${want[bad]}`).toBe("ok");
}

describe("trend/momentum catalog", () => {
  it("has every part-A family once, with unique names", () => {
    expect(trendMomentumCatalog.map((e) => e.name).sort()).toEqual(Object.keys(WARMUP).sort());
    expect(trendMomentumCatalog.filter((e) => e.needsVolume).map((e) => e.name)).toEqual(["mfi_14"]);
  });
});

describe.each(DATASETS)("trend/momentum on $name SPY", (ds) => {
  it.each(ENTRIES)("%s: streaming twin equals batch; warm-up is the TA-Lib lookback", (name, entry) => {
    const batch = entry.batch(ds.bars);
    const stream = streamAll(entry, ds.bars);
    expect(Object.keys(stream).sort()).toEqual(Object.keys(batch).sort());
    for (const key of Object.keys(batch)) {
      expectSame(stream[key], batch[key], key);
      expect(firstValid(batch[key]), key).toBe(WARMUP[name][key]);
      // No NaN after the warm-up on clean real bars.
      expect(batch[key].subarray(WARMUP[name][key]).some(Number.isNaN), key).toBe(false);
    }
  });

  it.each(ENTRIES)("%s: value at t from bars[0..t] equals the value from all bars", (name, entry) => {
    const full = entry.batch(ds.bars);
    // The first cuts at the warm-up's end (the shortest series a batch accepts) when it is past 60 (TRIX).
    const first = Math.max(60, ...Object.values(WARMUP[name]));
    for (const t of [first, first + 1, 250, 1001, 2998]) {
      const part = entry.batch(sliceBars(ds.bars, 0, t + 1));
      for (const key of Object.keys(full)) expectSame(part[key], full[key].subarray(0, t + 1), `${key} cut at ${t}`);
    }
  });

  it.each(ENTRIES)("%s: a NaN bar restarts the indicator", (name, entry) => {
    const n = ds.bars.close.length;
    const k = 1500;
    const clean = entry.batch(ds.bars);
    const suffix = entry.batch(sliceBars(ds.bars, k + 1));
    let used = 0;
    for (const column of ["close", "high", "low", "volume"] as const) {
      const bars = copyBars(ds.bars);
      bars[column]![k] = Number.NaN;
      const poisoned = entry.batch(bars);
      const changed = Object.keys(clean).some((key) => firstMismatch(poisoned[key], clean[key]) !== -1);
      if (!changed) continue;
      used++;
      for (const key of Object.keys(clean)) {
        const lookback = WARMUP[name][key];
        // before the NaN: untouched
        expectSame(poisoned[key], clean[key], `${column}→${key} before`, 0, k);
        // the NaN bar and the re-seeding warm-up after it: NaN
        for (let i = k; i <= k + lookback; i++) expect(poisoned[key][i], `${column}→${key}[${i}]`).toBeNaN();
        // after: exactly a fresh start on the bars after the NaN
        expectSame(poisoned[key].subarray(k + 1), suffix[key], `${column}→${key} after`, lookback, n - k - 1);
        // windowed indicators: windows without the NaN bar keep their values
        if (WINDOWED.has(name))
          expectSame(poisoned[key], clean[key], `${column}→${key} later windows`, k + lookback + 1);
      }
      // the streaming twin follows the same rule
      const stream = streamAll(entry, bars);
      for (const key of Object.keys(clean)) expectSame(stream[key], poisoned[key], `${column}→${key} stream`);
    }
    expect(used).toBeGreaterThan(0);
  });

  it.each(ENTRIES)("%s: a NaN on the first or the last bar", (_name, entry) => {
    const n = ds.bars.close.length;
    const withoutFirst = entry.batch(sliceBars(ds.bars, 1));
    const withoutLast = entry.batch(sliceBars(ds.bars, 0, n - 1));
    const clean = entry.batch(ds.bars);
    for (const column of ["close", "high", "low", "volume"] as const) {
      const first = copyBars(ds.bars);
      first[column]![0] = Number.NaN;
      const last = copyBars(ds.bars);
      last[column]![n - 1] = Number.NaN;
      const a = entry.batch(first);
      const b = entry.batch(last);
      for (const key of Object.keys(a)) {
        // either the column is not an input of this indicator (nothing changes) or the bar is dropped
        if (firstMismatch(a[key], clean[key]) !== -1) {
          expect(a[key][0], key).toBeNaN();
          expectSame(a[key].subarray(1), withoutFirst[key], `${column}→${key} first`);
        }
        if (firstMismatch(b[key], clean[key]) !== -1) {
          expect(b[key][n - 1], key).toBeNaN();
          expectSame(b[key].subarray(0, n - 1), withoutLast[key], `${column}→${key} last`);
        }
      }
    }
  });
});
