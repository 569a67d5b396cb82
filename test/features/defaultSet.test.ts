/** The preset sets on real bars: size and families, calendar and clock values, context alignment, beta, breadth, cs_rank. */
import { describe, expect, it } from "vitest";
import {
  type Bars,
  dayMsOf,
  isoDate,
  loadBundled,
  loadUniverse,
  lowerBound,
  newYorkToUtc,
  previousSession,
} from "../../src/data";
import { column, computeFeatures, rollingBeta, rollingCorrelation } from "../../src/features";
import { breadth } from "../../src/features/breadth";
import { bundled, firstDifference } from "./_data";

describe("default set", () => {
  it("has 100+ columns on daily SPY with VIX, from every family, and reports what it skipped", () => {
    const { spy, vix } = bundled();
    const r = computeFeatures({ set: "default" }, { bars: spy, context: { VIX: vix } });
    expect(r.report.columns).toBeGreaterThanOrEqual(100);
    expect(r.frame.names).toHaveLength(r.report.columns);
    for (const name of [
      "sma_distance_200",
      "macd_hist_12_26_9",
      "rsi_14",
      "natr_14",
      "zscore_20(obv)",
      "zscore_20(ret_1)",
      "corwin_schultz_20",
      "calendar_month",
      "VIX/close",
      "VIX/diff_1(close)",
      "VIX/percentile_rank_252",
      "VIX/zscore_60(close)",
      "VIX/volatility_cc_20",
      "donchian_upper_distance_252",
      "kurtosis_120",
      "autocorrelation_20_1",
      "breadth_above_share_50",
    ]) {
      expect(r.frame.names).toContain(name);
    }
    expect(r.report.skipped.map((s) => s.reason)).toEqual([
      "vwap needs intraday bars, the bars are 1d",
      "clock needs intraday bars, the bars are 1d",
      "the bars are the benchmark SPY itself",
      "the bars are the benchmark SPY itself",
      "the bars are the benchmark SPY itself",
      "the bars are the benchmark SPY itself",
    ]);
    // Past the longest warm-up (252 sessions of VIX percentile and returns) every column has values.
    const i = r.frame.ts.length - 1;
    const empty = r.frame.names.filter((_, j) => Number.isNaN(r.frame.columns[j][i]));
    expect(empty).toEqual([]);
    // Calendar of 2020-03-16 (a Monday) and VIX of the same session.
    const k = lowerBound(r.frame.ts, dayMsOf("2020-03-16"));
    expect([column(r.frame, "calendar_day_of_week")[k], column(r.frame, "calendar_month")[k]]).toEqual([1, 3]);
    expect(column(r.frame, "calendar_day_of_month")[k]).toBe(16);
    expect(column(r.frame, "VIX/close")[k]).toBe(vix.close[lowerBound(vix.ts, dayMsOf("2020-03-16"))]);
    expect(column(r.frame, "VIX/close")[k]).toBeCloseTo(82.69, 2);
    // Distances from the 52-week (252-session) high and low on that day, from the bars directly.
    const year = { high: -Infinity, low: Infinity };
    for (let j = k - 251; j <= k; j++) {
      year.high = Math.max(year.high, spy.high[j]);
      year.low = Math.min(year.low, spy.low[j]);
    }
    expect(column(r.frame, "donchian_upper_distance_252")[k]).toBeCloseTo(spy.close[k] / year.high - 1, 12);
    expect(column(r.frame, "donchian_lower_distance_252")[k]).toBeCloseTo(spy.close[k] / year.low - 1, 12);
    expect(column(r.frame, "donchian_upper_distance_252")[k]).toBeLessThan(-0.2); // the March 2020 drawdown
  });

  it("on 1-minute SPY: clock columns, and VIX of the previous session only", () => {
    const { spy1m, vix } = bundled();
    const r = computeFeatures({ set: "default" }, { bars: spy1m, context: { VIX: vix } });
    expect(r.report.columns).toBeGreaterThanOrEqual(100);
    const day = dayMsOf("2025-11-28"); // a 13:00 early close
    const open = lowerBound(spy1m.ts, newYorkToUtc(day, 9 * 60 + 30));
    const last = lowerBound(spy1m.ts, newYorkToUtc(day, 12 * 60 + 59));
    expect(spy1m.ts[open]).toBe(newYorkToUtc(day, 9 * 60 + 30));
    const at = (name: string, i: number) => column(r.frame, name)[i];
    expect([at("clock_hour", open), at("clock_minutes_since_open", open), at("clock_minutes_to_close", open)]).toEqual([
      9, 0, 209,
    ]);
    expect([
      at("clock_session_segment", open),
      at("clock_session_segment", last),
      at("clock_session_hours", open),
    ]).toEqual([0, 4, 0]);
    expect(at("clock_minutes_to_close", last)).toBe(0);
    // The last VIX published before the day: CBOE has a row on Thanksgiving (2025-11-27, an NYSE
    // holiday; data/SOURCES.md), so that one, not the previous NYSE session's, and never the day's own.
    expect(isoDate(previousSession(day))).toBe("2025-11-26");
    const k = lowerBound(vix.ts, day) - 1;
    expect(isoDate(vix.ts[k])).toBe("2025-11-27");
    expect(at("VIX/close", open)).toBe(vix.close[k]);
    expect(at("VIX/close", last)).toBe(vix.close[k]);
    expect(at("VIX/close", last)).not.toBe(vix.close[k + 1]);
  });

  it("beta and correlation of QQQ to SPY equal rollingBeta on the aligned closes", () => {
    const qqq = loadBundled("QQQ", "1d");
    const r = computeFeatures({ set: "default" }, { bars: qqq, context: { SPY: loadBundled("SPY", "1d") } });
    expect(r.report.skipped.map((s) => s.reason)).toEqual([
      "vwap needs intraday bars, the bars are 1d",
      "clock needs intraday bars, the bars are 1d",
      "context series VIX not given (input.context.VIX)",
      "context series VIX not given (input.context.VIX)",
      "context series VIX not given (input.context.VIX)",
    ]);
    const spyAll = loadBundled("SPY", "1d");
    const bench = new Float64Array(qqq.ts.length);
    for (let i = 0; i < qqq.ts.length; i++) bench[i] = spyAll.close[lowerBound(spyAll.ts, qqq.ts[i])];
    expect(firstDifference(column(r.frame, "beta_SPY_60"), rollingBeta(qqq.close, bench, 60))).toBeNull();
    expect(firstDifference(column(r.frame, "correlation_SPY_20"), rollingCorrelation(qqq.close, bench, 20))).toBeNull();
  });

  it("breadth columns are breadth() of the universe on the bars' dates; cs_rank ranks within the universe", () => {
    const { spy } = bundled();
    const universe = loadUniverse();
    const from = lowerBound(spy.ts, dayMsOf("2015-01-12"));
    const to = lowerBound(spy.ts, dayMsOf("2020-01-11"));
    const bars: Bars = {
      ...spy,
      ts: spy.ts.subarray(from, to),
      open: spy.open.subarray(from, to),
      high: spy.high.subarray(from, to),
      low: spy.low.subarray(from, to),
      close: spy.close.subarray(from, to),
      volume: spy.volume ? spy.volume.subarray(from, to) : null,
    };
    const r = computeFeatures(
      { set: [{ indicator: "breadth" }, { indicator: "ret", params: { period: 20 }, transforms: ["cs_rank"] }] },
      { bars, universe },
    );
    const b = breadth(bars.ts, { universe, proxies: [bars] });
    expect(firstDifference(column(r.frame, "breadth_above_share_50"), b.aboveShare)).toBeNull();
    // cs_rank by brute force on one date.
    const i = 700;
    const t = bars.ts[i];
    const x = column(r.frame, "ret_20")[i];
    let below = 0;
    let ties = 0;
    let count = 0;
    for (const m of universe.values()) {
      const k = lowerBound(m.ts, t);
      if (m.ts[k] !== t || k < 20) continue;
      const v = Math.log(m.close[k] / m.close[k - 20]);
      if (Number.isNaN(v)) continue;
      count++;
      if (v < x) below++;
      else if (v === x) ties++;
    }
    expect(count).toBeGreaterThan(400);
    expect(column(r.frame, "cs_rank(ret_20)")[i]).toBeCloseTo((below + 0.5 * ties) / count, 12);
  });
});

describe("confluence set", () => {
  it("on 1-minute SPY: VWAP distance and bands, ADX ±DI, hour, day of week, session", () => {
    const { spy1m } = bundled();
    const r = computeFeatures({ set: "confluence" }, { bars: spy1m });
    expect(r.frame.names).toEqual([
      "vwap",
      "vwap_distance_pct",
      "vwap_distance_sigma",
      "vwap_upper1",
      "vwap_lower1",
      "vwap_upper2",
      "vwap_lower2",
      "adx_14",
      "adx_plus_di_14",
      "adx_minus_di_14",
      "clock_hour",
      "clock_session_segment",
      "clock_session_hours",
      "calendar_day_of_week",
    ]);
  });
});
