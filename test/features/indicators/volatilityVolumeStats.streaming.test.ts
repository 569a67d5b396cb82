import { describe, expect, it } from "vitest";
import { type Bars, sliceBars } from "../../../src/data";
import type { CatalogEntry } from "../../../src/features/indicators/catalog";
import { volatilityVolumeStatsCatalog } from "../../../src/features/indicators/catalog";
import { QQQ_DAILY, SPY_1M, SPY_DAILY, alignTo, barAt, equal, leadingNaN } from "./_volatilityVolumeStatsData";

// QQQ starts in 1999: the cross-asset entries run on QQQ against SPY over QQQ's history.
const qqq = QQQ_DAILY;
const spyForQqq = alignTo(SPY_DAILY, qqq);

function assetOf(entry: CatalogEntry, bars: Bars): Bars {
  return entry.needsBenchmark && bars === SPY_DAILY ? qqq : bars;
}

function runBatch(entry: CatalogEntry, bars: Bars): Record<string, Float64Array> {
  return entry.needsBenchmark ? entry.batch(assetOf(entry, bars), spyForQqq.close) : entry.batch(bars);
}

/** Expected leading NaNs on clean daily bars, per entry (a number applies to every output). */
const WARMUP: Record<string, number | Record<string, number>> = {
  atr_14: 14,
  natr_14: 14,
  bollinger_20_2: 19,
  keltner_20_10_2: 19,
  donchian_20: 19,
  stddev_5_1: 4,
  volatility_close_to_close_20: 20,
  volatility_parkinson_20: 19,
  volatility_garman_klass_20: 19,
  volatility_yang_zhang_20: 20,
  obv: 0,
  // On SPY 1m (see WARMUP_BARS): σ is 0 on a session's first bar.
  vwap_session: { vwap: 0, distancePct: 0, distanceSigma: 1, upper1: 0, lower1: 0, upper2: 0, lower2: 0 },
  vwap_rolling_20: 19,
  accumulation_distribution: 0,
  chaikin_oscillator_3_10: 9,
  chaikin_money_flow_20: 19,
  volume_zscore_20: 19,
  relative_volume_tod_20: 20,
  log_return: 1,
  zscore_20: 19,
  skew_60: 60,
  kurtosis_60: 60,
  autocorrelation_60_1: 61,
  hurst_128: 128,
  percentile_rank_252: 251,
  corwin_schultz_20: 20,
  roll_spread_20: 21,
  range_compression_20: 19,
  pre_breakout_5_20: 19,
  beta_60: 60,
  correlation_60: 60,
  relative_strength_20: { ratio: 0, roc: 20 },
};

/** Bars for the warm-up and truncation checks: SPY daily except where a daily bar is a whole session. */
const WARMUP_BARS: Record<string, Bars> = { vwap_session: SPY_1M };

describe("part B catalog: streaming twins, warm-up, truncation invariance (real bars)", () => {
  it("every entry has a warm-up expectation and a unique name", () => {
    const names = volatilityVolumeStatsCatalog.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(Object.keys(WARMUP).sort());
  });

  for (const entry of volatilityVolumeStatsCatalog) {
    for (const [label, bars] of [
      ["SPY daily", SPY_DAILY],
      ["SPY 1m", SPY_1M],
    ] as const) {
      if (entry.needsBenchmark && bars !== SPY_DAILY) continue;
      it(`${entry.name}: streaming equals batch on ${label}`, () => {
        const asset = assetOf(entry, bars);
        const batch = runBatch(entry, bars);
        const stream = entry.stream();
        const n = asset.ts.length;
        let checked = 0;
        for (let i = 0; i < n; i++) {
          const got = stream.update(barAt(asset, i), entry.needsBenchmark ? spyForQqq.close[i] : undefined);
          for (const key of Object.keys(batch)) {
            if (!equal(got[key], batch[key][i])) {
              expect.fail(`${entry.name}.${key} at bar ${i}: stream ${got[key]} vs batch ${batch[key][i]}`);
            }
            if (!Number.isNaN(got[key])) checked++;
          }
        }
        expect(checked).toBeGreaterThan(n / 2);
      });
    }

    it(`${entry.name}: warm-up NaN count`, () => {
      const out = runBatch(entry, WARMUP_BARS[entry.name] ?? SPY_DAILY);
      const spec = WARMUP[entry.name];
      for (const [key, values] of Object.entries(out)) {
        const expected = typeof spec === "number" ? spec : spec[key];
        expect(leadingNaN(values), `${entry.name}.${key}`).toBe(expected);
      }
    });

    it(`${entry.name}: value at t from bars[0..t] equals the value from all bars`, () => {
      const source = WARMUP_BARS[entry.name] ?? SPY_DAILY;
      const bars = assetOf(entry, source);
      const full = runBatch(entry, source);
      for (const t of [300, 1234, 4321, bars.ts.length - 2]) {
        const part = entry.needsBenchmark
          ? entry.batch(sliceBars(bars, 0, t + 1), spyForQqq.close.subarray(0, t + 1))
          : entry.batch(sliceBars(bars, 0, t + 1));
        for (const key of Object.keys(full)) {
          expect(part[key].length).toBe(t + 1);
          expect(equal(part[key][t], full[key][t]), `${entry.name}.${key} at ${t}`).toBe(true);
          expect(Number.isNaN(full[key][t]), `${entry.name}.${key} at ${t} is a value`).toBe(false);
        }
      }
    });
  }
});
