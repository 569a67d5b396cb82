/** FeatureStream: one bar at a time through the default / confluence set equals the batch frame on real bars. */
import { describe, expect, it } from "vitest";
import { type Bars, dayMsOf, loadBundled, loadUniverse, lowerBound, sliceBars } from "../../src/data";
import {
  FeatureSpecError,
  FeatureStream,
  type FeaturesConfigInput,
  column,
  computeFeatures,
  contextIndex,
} from "../../src/features";
import { bundled } from "./_data";

function barAt(b: Bars, i: number) {
  return {
    ts: b.ts[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume ? b.volume[i] : Number.NaN,
  };
}

/**
 * Streams `bars` (pushing each context bar once it is visible, as the batch rule says, and each
 * universe bar of a date before the base bar of that date) and compares every row; the stream
 * must make every column of the batch frame, in the same order.
 */
function expectStreamEqualsBatch(
  spec: FeaturesConfigInput,
  bars: Bars,
  context: Record<string, Bars>,
  universe?: Map<string, Bars>,
): number {
  const batch = computeFeatures(spec, { bars, context, universe });
  const stream = new FeatureStream(spec, {
    ticker: bars.ticker,
    timeframe: bars.timeframe,
    hasVolume: bars.volume !== null,
    context: Object.fromEntries(
      Object.entries(context).map(([t, c]) => [t, { timeframe: c.timeframe, hasVolume: c.volume !== null }]),
    ),
    universe: universe !== undefined,
  });
  expect(stream.names).toEqual(batch.frame.names);
  expect(stream.skipped).toEqual(batch.report.skipped);
  const visible = Object.entries(context).map(([t, c]) => ({ t, c, idx: contextIndex(c, bars), pushed: -1 }));
  const members = [...(universe ?? new Map<string, Bars>())].map(([t, b]) => ({ t, b, next: 0 }));
  const cols = batch.frame.columns;
  for (let i = 0; i < bars.ts.length; i++) {
    for (const v of visible) {
      while (v.pushed < v.idx[i]) {
        v.pushed++;
        stream.pushContext(v.t, barAt(v.c, v.pushed));
      }
    }
    for (const m of members) {
      const price = m.b.adjClose ?? m.b.close;
      for (; m.next < m.b.ts.length && m.b.ts[m.next] <= bars.ts[i]; m.next++) {
        stream.pushUniverse(m.t, barAt(m.b, m.next), price[m.next]);
      }
    }
    const row = stream.update(barAt(bars, i));
    for (let j = 0; j < row.length; j++) {
      const a = row[j];
      const b = cols[j][i];
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)))) {
        expect.fail(`${stream.names[j]} at row ${i}: stream ${a}, batch ${b}`);
      }
    }
  }
  return stream.names.length;
}

describe("FeatureStream", () => {
  it("default set on daily SPY with VIX: every row equals the batch frame", () => {
    const { spy, vix } = bundled();
    expect(expectStreamEqualsBatch({ set: "default", nan: "ffill" }, spy, { VIX: vix })).toBeGreaterThanOrEqual(100);
  });

  it("breadth streams too: from the universe where it covers the date, else from the proxy ETFs", () => {
    // 2014-07..2016-12 of daily QQQ with SPY, IWM, DIA and VIX as context and the universe
    // (it starts in 2015): proxy rows, then universe rows, as in batch.
    const { vix } = bundled();
    const cut = (b: Bars) => {
      const from = lowerBound(b.ts, dayMsOf("2014-07-01"));
      return sliceBars(b, from, lowerBound(b.ts, dayMsOf("2017-01-01")));
    };
    const [qqq, spy, iwm, dia] = ["QQQ", "SPY", "IWM", "DIA"].map((t) => cut(loadBundled(t, "1d")));
    const universe = new Map([...loadUniverse()].map(([t, b]) => [t, cut(b)]));
    const context = { SPY: spy, IWM: iwm, DIA: dia, VIX: cut(vix) };
    const spec = { set: [{ indicator: "breadth" }, { indicator: "rsi" }] };
    expect(expectStreamEqualsBatch(spec, qqq, context, universe)).toBe(4);
    const batch = computeFeatures(spec, { bars: qqq, context, universe });
    const flag = column(batch.frame, "breadth_proxy_50");
    expect(flag.includes(1) && flag.includes(0)).toBe(true);
    expect(expectStreamEqualsBatch({ set: "default" }, qqq, context, universe)).toBeGreaterThanOrEqual(100);
  });

  it("default set on 1-minute SPY with daily VIX (previous session visible), and the confluence set", () => {
    // The first 20,000 minutes (about 51 sessions: past every warm-up but the 252-bar ones).
    const { vix } = bundled();
    const spy1m = sliceBars(bundled().spy1m, 0, 20_000);
    expect(expectStreamEqualsBatch({ set: "default" }, spy1m, { VIX: vix })).toBeGreaterThanOrEqual(100);
    expect(expectStreamEqualsBatch({ set: "confluence" }, spy1m, {})).toBe(14);
  });

  it("refuses what it cannot stream (cs_rank off the bars, drop_rows) and universe bars it cannot place", () => {
    const opts = { ticker: "SPY", timeframe: "1d" as const, hasVolume: true };
    const weeklyRank = { set: [{ indicator: "rsi", transforms: ["cs_rank"] }], timeframes: ["1w" as const] };
    expect(() => new FeatureStream(weeklyRank, { ...opts, universe: true })).toThrow(FeatureSpecError);
    expect(() => new FeatureStream(weeklyRank, { ...opts, universe: true })).toThrow(
      /features\.set\[0\] \(rsi on 1w\): cs_rank ranks the daily bars of the universe; .* not on a higher timeframe \(1w\)/,
    );
    expect(() => new FeatureStream({ set: "default", nan: "drop_rows" }, opts)).toThrow(
      /features\.nan: a stream emits every row/,
    );
    const day = dayMsOf("2020-03-16");
    const bar = { ts: day, open: 60, high: 61, low: 59, close: 60, volume: 1e6 };
    // Universe bars to a stream that was not told of a universe (its batch twin has none).
    expect(() => new FeatureStream({ set: "default" }, opts).pushUniverse("AAPL", bar, 60)).toThrow(
      /pushUniverse\(AAPL\): the stream was built without options\.universe/,
    );
    // A member's bars must come in date order.
    const s = new FeatureStream({ set: "default" }, { ...opts, universe: true });
    s.pushUniverse("AAPL", bar, 60);
    expect(() => s.pushUniverse("AAPL", bar, 61)).toThrow(
      /AAPL bar of 2020-03-16 is not after its previous one \(2020-03-16\)/,
    );
  });
});
