/** FeatureStream: one bar at a time through the default / confluence set equals the batch frame on real bars. */
import { describe, expect, it } from "vitest";
import { type Bars, sliceBars } from "../../src/data";
import {
  FeatureSpecError,
  FeatureStream,
  type FeaturesConfigInput,
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

/** Streams `bars` (pushing each context bar once it is visible, as the batch rule says) and compares every row. */
function expectStreamEqualsBatch(spec: FeaturesConfigInput, bars: Bars, context: Record<string, Bars>): number {
  const batch = computeFeatures(spec, { bars, context });
  const stream = new FeatureStream(spec, {
    ticker: bars.ticker,
    timeframe: bars.timeframe,
    hasVolume: bars.volume !== null,
    context: Object.fromEntries(
      Object.entries(context).map(([t, c]) => [t, { timeframe: c.timeframe, hasVolume: c.volume !== null }]),
    ),
  });
  // Breadth is cross-sectional (no streaming twin): the stream skips it and says so; all else is identical.
  const streamed = batch.frame.names.filter((n) => !n.startsWith("breadth_"));
  expect(stream.names).toEqual(streamed);
  const noTwin = stream.skipped.filter((s) => !batch.report.skipped.some((b) => b.path === s.path));
  expect(noTwin.map((s) => s.reason)).toEqual(
    batch.frame.names.length > streamed.length ? ["breadth has no streaming twin"] : [],
  );
  const visible = Object.entries(context).map(([t, c]) => ({ t, c, idx: contextIndex(c, bars), pushed: -1 }));
  const cols = streamed.map((n) => batch.frame.columns[batch.frame.names.indexOf(n)]);
  for (let i = 0; i < bars.ts.length; i++) {
    for (const v of visible) {
      while (v.pushed < v.idx[i]) {
        v.pushed++;
        stream.pushContext(v.t, barAt(v.c, v.pushed));
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

  it("default set on 1-minute SPY with daily VIX (previous session visible), and the confluence set", () => {
    // The first 20,000 minutes (about 51 sessions: past every warm-up but the 252-bar ones).
    const { vix } = bundled();
    const spy1m = sliceBars(bundled().spy1m, 0, 20_000);
    expect(expectStreamEqualsBatch({ set: "default" }, spy1m, { VIX: vix })).toBeGreaterThanOrEqual(100);
    expect(expectStreamEqualsBatch({ set: "confluence" }, spy1m, {})).toBe(14);
  });

  it("refuses what it cannot stream: higher timeframes, drop_rows", () => {
    const opts = { ticker: "SPY", timeframe: "1d" as const, hasVolume: true };
    expect(() => new FeatureStream({ set: "default", timeframes: ["1w"] }, opts)).toThrow(FeatureSpecError);
    expect(() => new FeatureStream({ set: "default", timeframes: ["1w"] }, opts)).toThrow(
      /higher timeframes \(1w\) are batch only/,
    );
    expect(() => new FeatureStream({ set: "default", nan: "drop_rows" }, opts)).toThrow(
      /features\.nan: a stream emits every row/,
    );
  });
});
