import { describe, expect, it } from "vitest";
import { type Bars, sliceBars } from "../../../src/data";
import { volatilityVolumeStatsCatalog } from "../../../src/features/indicators/catalog";
import { chaikinMoneyFlow } from "../../../src/features/indicators/chaikinMoneyFlow";
import { logReturns } from "../../../src/features/indicators/logReturns";
import { rollingBeta } from "../../../src/features/indicators/rollingBeta";
import { rollingSkew } from "../../../src/features/indicators/rollingSkew";
import { rollingZScore } from "../../../src/features/indicators/rollingZScore";
import { QQQ_DAILY, SPY_1M, SPY_DAILY, alignTo, barAt, equal } from "./_volatilityVolumeStatsData";

const spy = sliceBars(SPY_DAILY, SPY_DAILY.ts.length - 1500);
const qqq = alignTo(QQQ_DAILY, spy);
const entries = new Map(volatilityVolumeStatsCatalog.map((e) => [e.name, e]));

/** A copy of `bars` whose bar `j` is entirely missing (NaN open/high/low/close/volume). */
function withMissingBar(bars: Bars, j: number): Bars {
  const copy = (a: Float64Array) => {
    const c = a.slice();
    c[j] = Number.NaN;
    return c;
  };
  return {
    ...bars,
    open: copy(bars.open),
    high: copy(bars.high),
    low: copy(bars.low),
    close: copy(bars.close),
    volume: bars.volume ? copy(bars.volume) : null,
  };
}

function run(name: string, bars: Bars): Record<string, Float64Array> {
  const e = entries.get(name)!;
  return e.needsBenchmark ? e.batch(bars, spy.close) : e.batch(bars);
}

/**
 * Windowed indicators: a missing bar at j makes exactly outputs j .. j+span−1 NaN (the windows
 * that contain it, or contain a return / two-bar estimate that uses it); every other output is
 * unchanged.
 */
const SPANS: Record<string, number> = {
  bollinger_20_2: 20,
  donchian_20: 20,
  stddev_5_1: 5,
  volatility_close_to_close_20: 21,
  volatility_parkinson_20: 20,
  volatility_garman_klass_20: 20,
  volatility_yang_zhang_20: 21,
  vwap_rolling_20: 20,
  chaikin_money_flow_20: 20,
  volume_zscore_20: 20,
  relative_volume_tod_20: 21,
  log_return: 2,
  zscore_20: 20,
  skew_60: 61,
  kurtosis_60: 61,
  autocorrelation_60_1: 62,
  hurst_128: 129,
  percentile_rank_252: 252,
  corwin_schultz_20: 21,
  roll_spread_20: 22,
  range_compression_20: 20,
  pre_breakout_5_20: 20,
  beta_60: 61,
  correlation_60: 61,
};

/** Recursive indicators restart after a missing bar: later values equal the indicator on the bars after it. */
const RESTARTING = [
  "atr_14",
  "natr_14",
  "keltner_20_10_2",
  "obv",
  "accumulation_distribution",
  "chaikin_oscillator_3_10",
];

describe("NaN inside the input (part B)", () => {
  it("every entry has a documented NaN rule under test", () => {
    const covered = new Set([...Object.keys(SPANS), ...RESTARTING, "vwap_session", "relative_strength_20"]);
    expect([...entries.keys()].filter((k) => !covered.has(k))).toEqual([]);
  });

  const j = 700;
  for (const [name, span] of Object.entries(SPANS)) {
    it(`${name}: NaN exactly for the ${span} windows containing the missing bar`, () => {
      const asset = entries.get(name)!.needsBenchmark ? qqq : spy;
      const clean = run(name, asset);
      const dirty = run(name, withMissingBar(asset, j));
      for (const key of Object.keys(clean)) {
        for (let i = 0; i < clean[key].length; i++) {
          const inside = i >= j && i < j + span;
          const ok = inside ? Number.isNaN(dirty[key][i]) : equal(dirty[key][i], clean[key][i]);
          if (!ok) expect.fail(`${name}.${key} at ${i} (missing bar ${j}): ${dirty[key][i]} vs clean ${clean[key][i]}`);
        }
      }
    });
  }

  for (const name of RESTARTING) {
    it(`${name}: NaN at the missing bar, then equal to a fresh start on the bars after it`, () => {
      const clean = run(name, spy);
      const dirty = run(name, withMissingBar(spy, j));
      const fresh = run(name, sliceBars(spy, j + 1));
      for (const key of Object.keys(clean)) {
        for (let i = 0; i < j; i++) expect(equal(dirty[key][i], clean[key][i])).toBe(true);
        expect(Number.isNaN(dirty[key][j])).toBe(true);
        for (let i = j + 1; i < spy.ts.length; i++) {
          if (!equal(dirty[key][i], fresh[key][i - j - 1])) {
            expect.fail(`${name}.${key} at ${i}: ${dirty[key][i]} vs fresh start ${fresh[key][i - j - 1]}`);
          }
        }
      }
    });
  }

  it("corwin_schultz_20: a NaN close alone spoils the next bar's estimate, batch and stream alike", () => {
    // Estimate t reads bars t−1 (high, low, close) and t (high, low): close j is read by estimate
    // j+1 only, so the 20 windows j+1 .. j+20 are NaN and every other value is unchanged.
    const close = spy.close.slice();
    close[j] = Number.NaN;
    const bars: Bars = { ...spy, close };
    const clean = run("corwin_schultz_20", spy).value;
    const dirty = run("corwin_schultz_20", bars).value;
    const stream = entries.get("corwin_schultz_20")!.stream();
    for (let i = 0; i < spy.ts.length; i++) {
      const inside = i > j && i <= j + 20;
      const ok = inside ? Number.isNaN(dirty[i]) : equal(dirty[i], clean[i]);
      if (!ok) expect.fail(`at ${i} (NaN close at ${j}): ${dirty[i]} vs clean ${clean[i]}`);
      const got = stream.update(barAt(bars, i)).value;
      if (!equal(got, dirty[i])) expect.fail(`stream at ${i}: ${got} vs batch ${dirty[i]}`);
    }
  });

  it("vwap_session: NaN for the rest of the session holding the missing bar only", () => {
    const bars = sliceBars(SPY_1M, 0, 4000);
    const j = 1000;
    const clean = run("vwap_session", bars);
    const dirty = run("vwap_session", withMissingBar(bars, j));
    const day = (ts: number) => new Date(ts - 5 * 3_600_000).toISOString().slice(0, 10);
    let nanCount = 0;
    for (let i = 0; i < bars.ts.length; i++) {
      const inSession = i >= j && day(bars.ts[i]) === day(bars.ts[j]);
      if (inSession) {
        nanCount++;
        expect(Number.isNaN(dirty.vwap[i])).toBe(true);
      } else {
        expect(equal(dirty.vwap[i], clean.vwap[i]), `vwap at ${i}`).toBe(true);
      }
    }
    expect(nanCount).toBeGreaterThan(1);
  });

  it("relative_strength_20: NaN ratio at the missing bar, NaN ROC at it and `period` bars later", () => {
    const clean = run("relative_strength_20", qqq);
    const dirty = run("relative_strength_20", withMissingBar(qqq, j));
    for (let i = 0; i < qqq.ts.length; i++) {
      expect(Number.isNaN(dirty.ratio[i])).toBe(i === j);
      expect(Number.isNaN(dirty.roc[i])).toBe(i === j || i === j + 20 || i < 20);
      if (i !== j) expect(equal(dirty.ratio[i], clean.ratio[i])).toBe(true);
    }
  });

  // NaN in one field at a time, at the start, inside warm-ups, back to back and at the end:
  // the batch loops (some with separate seed / hot phases) must agree with the streaming twins.
  const FIELDS = ["open", "high", "low", "close", "volume"] as const;
  const POSITIONS = [0, 3, 14, 15, 40, 41, 42, 300, 301, 900, 1499];
  for (const entry of volatilityVolumeStatsCatalog) {
    it(`${entry.name}: batch equals stream with scattered NaN in single fields`, () => {
      const base = entry.needsBenchmark ? qqq : spy;
      const cols = {
        open: base.open.slice(),
        high: base.high.slice(),
        low: base.low.slice(),
        close: base.close.slice(),
        volume: base.volume!.slice(),
      };
      POSITIONS.forEach((p, k) => {
        cols[FIELDS[k % FIELDS.length]][p] = Number.NaN;
      });
      const bars: Bars = { ...base, ...cols };
      const batch = entry.needsBenchmark ? entry.batch(bars, spy.close) : entry.batch(bars);
      const stream = entry.stream();
      let nan = 0;
      for (let i = 0; i < bars.ts.length; i++) {
        const got = stream.update(barAt(bars, i), entry.needsBenchmark ? spy.close[i] : undefined);
        for (const key of Object.keys(batch)) {
          if (!equal(got[key], batch[key][i])) {
            expect.fail(`${entry.name}.${key} at ${i}: stream ${got[key]} vs batch ${batch[key][i]}`);
          }
          if (Number.isNaN(got[key])) nan++;
        }
      }
      expect(nan).toBeGreaterThan(0);
    });
  }

  it("±Infinity (the log return of a zero price) counts as NaN in rolling statistics", () => {
    const withInf = logReturns(spy.close);
    const withNaN = withInf.slice();
    withInf[500] = Number.POSITIVE_INFINITY;
    withInf[501] = Number.NEGATIVE_INFINITY;
    withNaN[500] = withNaN[501] = Number.NaN;
    const volume = spy.volume!.slice();
    const volumeNaN = volume.slice();
    volume[600] = Number.POSITIVE_INFINITY;
    volumeNaN[600] = Number.NaN;
    // [with ±Infinity, with NaN, an index whose window holds it]
    const pairs: [Float64Array, Float64Array, number][] = [
      [rollingZScore(withInf, 20), rollingZScore(withNaN, 20), 510],
      [rollingSkew(withInf, 60), rollingSkew(withNaN, 60), 520],
      [rollingBeta(withInf.map(Math.exp), spy.close, 60), rollingBeta(withNaN.map(Math.exp), spy.close, 60), 520],
      [
        chaikinMoneyFlow(spy.high, spy.low, spy.close, volume, 20),
        chaikinMoneyFlow(spy.high, spy.low, spy.close, volumeNaN, 20),
        610,
      ],
    ];
    for (const [a, b, inside] of pairs) {
      expect(Number.isNaN(a[inside])).toBe(true);
      for (let i = 0; i < a.length; i++) {
        if (!equal(a[i], b[i])) expect.fail(`at ${i}: ${a[i]} vs ${b[i]}`);
      }
    }
  });
});
