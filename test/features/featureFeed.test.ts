/**
 * FeatureFeed: series in, the batch frame's rows out. Replayed whole or advanced in pieces, every
 * column of every row equals computeFeatures on the same series (real bundled data and the
 * planted-signal fixture, loaded by the data layer as the pipeline's data phase loads them).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Bars, isoDate, loadDataBlock, lowerBound, sliceBars } from "../../src/data";
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
  const times = cuts.map((d) => Date.parse(`${d}T00:00:00Z`));
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
    feed.advance(input);
    expect(firstMismatch(feed, features, input, input.bars.ts.length - 512)).toBeNull();
  });
});
