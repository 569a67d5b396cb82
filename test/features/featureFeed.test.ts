/**
 * FeatureFeed: series in, the batch frame's rows out. Replayed whole or advanced in pieces, every
 * column of every row equals computeFeatures on the same series (real bundled data and the
 * planted-signal fixture, loaded by the data layer as the pipeline's data phase loads them).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Bars, isoDate, loadDataBlock, loadUniverse, lowerBound, sliceBars } from "../../src/data";
import {
  computeFeatures,
  type FeatureInput,
  FeatureFeed,
  FeatureSpecError,
  type FeaturesConfigInput,
} from "../../src/features";

interface Experiment {
  features: FeaturesConfigInput;
  input: FeatureInput;
}

/** The config's features block and its data block loaded (first ticker as the bars, the context series by ticker). */
async function experiment(path: string): Promise<Experiment> {
  const doc = parse(readFileSync(join(process.cwd(), path), "utf8"));
  const loaded = await loadDataBlock(doc.data);
  const context: Record<string, Bars> = {};
  for (const s of loaded.context) context[s.bars.ticker] = s.bars;
  return { features: doc.features, input: { bars: loaded.tickers[0].bars, context } };
}

/** Every series of `input` cut to its bars with ts < t (what a live feed had before t). */
function cutBefore(input: FeatureInput, t: number): FeatureInput {
  const cut = (b: Bars) => sliceBars(b, 0, lowerBound(b.ts, t));
  return {
    bars: cut(input.bars),
    context: Object.fromEntries(Object.entries(input.context ?? {}).map(([k, b]) => [k, cut(b)])),
    universe: input.universe && new Map([...input.universe].map(([k, b]) => [k, cut(b)])),
  };
}

/** `bars` without the bars of the given dates (a series with holes). */
function withoutDates(bars: Bars, dates: string[]): Bars {
  const drop = new Set(dates.map((d) => Date.parse(`${d}T00:00:00Z`)));
  const keep = [...bars.ts.keys()].filter((i) => !drop.has(bars.ts[i]));
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  return {
    ...bars,
    ts: pick(bars.ts),
    open: pick(bars.open),
    high: pick(bars.high),
    low: pick(bars.low),
    close: pick(bars.close),
    volume: bars.volume && pick(bars.volume),
    adjClose: bars.adjClose && pick(bars.adjClose),
  };
}

/** Compares the feed's rows for base bars [from, n) with the batch frame: the first difference, or null. */
function firstMismatch(feed: FeatureFeed, spec: FeaturesConfigInput, input: FeatureInput, from = 0): string | null {
  const batch = computeFeatures(spec, input).frame;
  expect(feed.names).toEqual(batch.names);
  const ts = input.bars.ts;
  for (let i = from; i < ts.length; i++) {
    const row = feed.rowAt(ts[i]);
    if (row === null) return `row ${i} (${isoDate(ts[i])}) not kept`;
    for (let j = 0; j < row.length; j++) {
      const a = row[j];
      const b = batch.columns[j][i];
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)))) {
        return `${batch.names[j]} at row ${i} (${isoDate(ts[i])}): feed ${a}, batch ${b}`;
      }
    }
  }
  return null;
}

/** Replayed whole, then built on the part before the first cut and advanced through the others to the end. */
function expectFeedEqualsBatch(spec: FeaturesConfigInput, input: FeatureInput, cuts: string[]): FeatureFeed {
  const n = input.bars.ts.length;
  const whole = new FeatureFeed(spec, input, { keep: n });
  expect(whole.lastTs).toBe(input.bars.ts[n - 1]);
  expect(firstMismatch(whole, spec, input)).toBeNull();
  const times = cuts.map((d) => Date.parse(d.length === 10 ? `${d}T00:00:00Z` : `${d}:00Z`));
  const pieces = new FeatureFeed(spec, cutBefore(input, times[0]), { keep: n });
  for (const t of times.slice(1)) pieces.advance(cutBefore(input, t));
  pieces.advance(input);
  expect(pieces.lastTs).toBe(input.bars.ts[n - 1]);
  expect(firstMismatch(pieces, spec, input)).toBeNull();
  expect(pieces.skipped).toEqual(whole.skipped);
  return whole;
}

describe("FeatureFeed", () => {
  it("planted-signal fixture (close on context SENT with diff(1), ret, volume_zscore): every row equals batch", async () => {
    const { features, input } = await experiment("experiments/fixtures/planted-signal.yaml");
    expect(Object.keys(input.context ?? {})).toEqual(["SENT"]);
    const feed = expectFeedEqualsBatch(features, input, ["2013-05-07", "2018-11-23", "2024-06-14"]);
    expect(feed.names).toEqual(["SENT/close", "SENT/diff_1(close)", "ret_1", "volume_zscore_20"]);
    // ffill: the same rows, carried forward by the stream as applyNanPolicy carries them.
    expectFeedEqualsBatch({ ...(features as object), nan: "ffill" }, input, ["2015-03-02"]);
  });

  it("SPY daily with VIX, the default set on the bars and on the context: every column, every row", async () => {
    const { features, input } = await experiment("experiments/spy-daily.yaml");
    const { timeframes: _weekly, ...daily } = features as { timeframes?: string[] };
    const feed = expectFeedEqualsBatch(daily, input, ["2007-01-03", "2020-03-16", "2026-07-20"]);
    expect(feed.names.length).toBeGreaterThanOrEqual(100);
    expect(feed.names).toContain("VIX/zscore_20(close)");
  });

  it("spy-daily's features block (default set, 1w, VIX): every column, weekly ones shown when their week closes", async () => {
    const { features, input } = await experiment("experiments/spy-daily.yaml");
    // Cuts mid-week (Wednesdays): the feed holds a week in progress across advance().
    const feed = expectFeedEqualsBatch(features, input, ["2003-04-09", "2014-10-15", "2026-07-08"]);
    const weekly = feed.names.filter((n) => n.startsWith("1w:"));
    expect(weekly.length).toBeGreaterThanOrEqual(80);
    // The data ends on Thursday 2026-07-23: that week has not closed, so the rows of its sessions
    // show the week of 2026-07-13..17, as from its Friday on (batch and feed alike).
    const ts = input.bars.ts;
    const n = ts.length;
    expect(isoDate(ts[n - 1])).toBe("2026-07-23");
    const friday = lowerBound(ts, Date.parse("2026-07-17T00:00:00Z"));
    const j = feed.names.indexOf("1w:rsi_14");
    const thursday = feed.rowAt(ts[n - 1]) as Float64Array;
    expect(thursday[j]).toBe((feed.rowAt(ts[friday]) as Float64Array)[j]);
    expect(thursday[j]).not.toBe((feed.rowAt(ts[friday - 1]) as Float64Array)[j]);
  });

  it("universe-daily's features block (default set, breadth from the bundled universe): every column", async () => {
    const { features, input } = await experiment("experiments/universe-daily.yaml");
    const universe = loadUniverse();
    expect(universe.size).toBe(480);
    const feed = expectFeedEqualsBatch(features, { ...input, universe }, ["2016-02-10", "2019-12-31"]);
    expect(feed.names).toContain("breadth_above_share_50");
    const proxy = feed.names.indexOf("breadth_proxy_50");
    const last = feed.rowAt(feed.lastTs) as Float64Array;
    expect(last[proxy]).toBe(0);
  });

  it("cs_rank over the universe's bar of the date, on the bars and through a benchmark; weekly benchmark", async () => {
    // QQQ with SPY as context: the members' beta reads SPY's close of their date, the weekly beta
    // SPY's weekly close. QQQ lacks a Wednesday and a Friday that SPY and the members have: those
    // members' bars are run at the next QQQ bar yet read SPY's close of their own date, and QQQ's
    // week closes at the next Monday, after SPY's new week has begun.
    const { input } = await experiment("experiments/universe-daily.yaml");
    const full = (await loadDataBlock({ tickers: ["QQQ"], start: "2015-01-12", end: "2020-01-10" })).tickers[0].bars;
    const qqq = withoutDates(full, ["2017-05-17", "2017-05-19"]);
    expect(qqq.ts.length).toBe(full.ts.length - 2);
    const universe = loadUniverse();
    const data = { bars: qqq, context: { ...input.context, SPY: input.bars }, universe };
    const spec: FeaturesConfigInput = {
      set: [
        { indicator: "ret", params: { period: 20 }, transforms: ["cs_rank", "zscore(5) | cs_rank"] },
        { indicator: "beta", params: { benchmark: "SPY", period: 20 }, transforms: ["cs_rank"] },
        { indicator: "rsi", timeframe: "1w" },
      ],
      extra: [{ indicator: "beta", params: { benchmark: "SPY", period: 10 }, timeframe: "1w" }],
      nan: "ffill",
    };
    const feed = expectFeedEqualsBatch(spec, data, ["2015-06-17", "2018-03-07"]);
    expect(feed.names).toEqual([
      "ret_20",
      "cs_rank(ret_20)",
      "cs_rank(zscore_5(ret_20))",
      "beta_SPY_20",
      "cs_rank(beta_SPY_20)",
      "1w:rsi_14",
      "1w:beta_SPY_10",
    ]);
    const row = feed.rowAt(feed.lastTs) as Float64Array;
    for (const j of [1, 2, 4]) expect(row[j]).toBeGreaterThan(0);
    for (const j of [1, 2, 4]) expect(row[j]).toBeLessThan(1);
  });

  it("spy-5m's features block (default set, 1h, daily VIX under 5-minute bars): every column", async () => {
    // Loaded as the data phase loads an intraday run: the context series as daily bars.
    const doc = parse(readFileSync(join(process.cwd(), "experiments/spy-5m.yaml"), "utf8"));
    const bars = (await loadDataBlock({ ...doc.data, context: [] })).tickers[0].bars;
    const vix = (await loadDataBlock({ ...doc.data, timeframe: "1d", tickers: ["VIX"], context: [] })).tickers[0].bars;
    const input = { bars, context: { VIX: vix } };
    // Cuts at 15:00 New York (19:00 UTC in winter, the hour in progress) and at a midnight.
    const feed = expectFeedEqualsBatch(doc.features, input, ["2025-12-15T19:00", "2026-02-02"]);
    expect(feed.names.filter((n) => n.startsWith("1h:")).length).toBeGreaterThanOrEqual(80);
  });

  it("column entries transform the finished columns: of the bars, a context, a weekly entry, a rank", async () => {
    const { input } = await experiment("experiments/universe-daily.yaml");
    const qqq = (await loadDataBlock({ tickers: ["QQQ"], start: "2015-01-12", end: "2020-01-10" })).tickers[0].bars;
    const data = { bars: qqq, context: input.context, universe: loadUniverse() };
    const set: FeaturesConfigInput["set"] = [
      { indicator: "rsi" },
      { column: "rsi_14", transforms: ["diff(5)", "lag(1) | zscore(20)"] },
      { indicator: "stochrsi", context: "VIX" },
      { column: "VIX/stochrsi_k_14_14_3", transforms: ["diff(1)"] },
      { indicator: "adx", timeframe: "1w", outputs: ["plus_di"] },
      { column: "1w:adx_plus_di_14", transforms: ["pct_change(3)"] },
      { indicator: "ret", params: { period: 20 }, transforms: ["cs_rank"] },
      { column: "cs_rank(ret_20)", transforms: ["lag(1)"] },
    ];
    for (const nan of ["keep", "ffill"] as const) {
      const feed = expectFeedEqualsBatch({ set, nan }, data, ["2016-08-31"]);
      expect(feed.names).toContain("diff_1(VIX/stochrsi_k_14_14_3)");
    }
  });

  it("ffill is applied last: a column entry reads a carried context value as the batch does, before the policy", async () => {
    // SENT without a close on 2019-06-03 and without a bar on 2019-06-04: its NaN is carried onto
    // PLNT's 06-04 row; the batch's diff(1) of that column is NaN on 06-04 and 06-05 (then
    // forward-filled), not a difference with a filled-in value.
    const { input } = await experiment("experiments/fixtures/planted-signal.yaml");
    const sent = withoutDates(input.context?.SENT as Bars, ["2019-06-04"]);
    const k = lowerBound(sent.ts, Date.parse("2019-06-03T00:00:00Z"));
    const close = Float64Array.from(sent.close);
    close[k] = Number.NaN;
    const data = { bars: input.bars, context: { SENT: { ...sent, close } } };
    const set = [
      { indicator: "close", context: "SENT" },
      { column: "SENT/close", transforms: ["diff(1)"] },
    ];
    expectFeedEqualsBatch({ set, nan: "ffill" }, data, ["2019-06-04"]);
  });

  it("keeps the last `keep` rows; rowAt copies; lastTs is NaN before any bar", async () => {
    const { features, input } = await experiment("experiments/fixtures/planted-signal.yaml");
    const ts = input.bars.ts;
    const n = ts.length;
    const empty = new FeatureFeed(features, cutBefore(input, ts[0]), { keep: 3 });
    expect(empty.lastTs).toBeNaN();
    expect(empty.rowAt(ts[0])).toBeNull();
    empty.advance(input);
    expect(empty.lastTs).toBe(ts[n - 1]);
    expect(empty.rowAt(ts[n - 4])).toBeNull();
    const row = empty.rowAt(ts[n - 3]) as Float64Array;
    const batch = computeFeatures(features, input).frame;
    expect(row[2]).toBe(batch.columns[2][n - 3]);
    row[2] = 99;
    expect((empty.rowAt(ts[n - 3]) as Float64Array)[2]).toBe(batch.columns[2][n - 3]);
    expect(empty.rowAt(ts[n - 1] + 1)).toBeNull();
  });

  it("refuses drop_rows naming features.nan, and series rewritten rather than extended", async () => {
    const { features, input } = await experiment("experiments/fixtures/planted-signal.yaml");
    expect(() => new FeatureFeed({ ...(features as object), nan: "drop_rows" }, input)).toThrow(FeatureSpecError);
    expect(() => new FeatureFeed({ ...(features as object), nan: "drop_rows" }, input)).toThrow(/^features\.nan: /);

    const cut = Date.parse("2020-01-02T00:00:00Z");
    const feed = new FeatureFeed(features, cutBefore(input, cut));
    const sent = input.context?.SENT as Bars;
    const k = lowerBound(sent.ts, Date.parse("2019-06-03T00:00:00Z"));
    const close = Float64Array.from(sent.close);
    close[k] += 1;
    const rewritten = { ...input, context: { SENT: { ...sent, close } } };
    expect(() => feed.advance(rewritten)).toThrow(
      /SENT 1d bar \d+ \(2019-06-03\) was rewritten: close .* series must extend the ones given before/,
    );
    // A refused input changes nothing: the feed continues from where it was.
    expect(feed.lastTs).toBeLessThan(cut);
    expect(() => feed.advance(cutBefore(input, Date.parse("2019-01-02T00:00:00Z")))).toThrow(
      /input\.bars \(PLNT\) has \d+ bars, fewer than the \d+ given before/,
    );
    expect(() => feed.advance({ bars: input.bars })).toThrow(/context series SENT was given before, not now/);
    // A context series lagging the bars (SENT not yet in for the new sessions): refused, as the batch refuses it.
    const lagging = { ...input, context: { SENT: cutBefore(input, cut).context?.SENT as Bars } };
    const refusal =
      /^features\.set\[0\] \(close on SENT\): context series SENT covers 2011-01-03\.\.2019-12-31; the bars need it from 2011-01-03 to 2024-12-31/;
    expect(() => computeFeatures(features, lagging)).toThrow(refusal);
    expect(() => feed.advance(lagging)).toThrow(refusal);
    expect(() => new FeatureFeed(features, lagging)).toThrow(refusal);
    feed.advance(input);
    expect(firstMismatch(feed, features, input, input.bars.ts.length - 512)).toBeNull();
  });
});
