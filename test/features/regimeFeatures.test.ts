/**
 * `features.regimes`: the trend3 and grid12 columns are the regime labels (the same function
 * labels the run's report splits), with the `regimes:` block's settings; trend3 streams equal to
 * the batch, grid12 too (VIX, breadth and ATR twins). No look-ahead: the daily truncation
 * test (noLookahead.daily.test.ts) computes them at every cut.
 */
import { describe, expect, it } from "vitest";
import { loadUniverse, sliceBars } from "../../src/data";
import {
  breadth,
  computeFeatures,
  FeatureFeed,
  FeatureSpecError,
  type FeaturesConfigInput,
  gridRegime,
  parseFeaturesConfig,
  REGIME_COLUMNS,
  regimeLabelsOf,
  regimesConfigSchema,
  trendRegime,
} from "../../src/features";
import { bundled, firstDifference } from "./_data";

function input() {
  const { spy, vix } = bundled();
  const n = spy.ts.length;
  return { bars: sliceBars(spy, n - 2000, n), context: { VIX: vix } };
}

const ids = (labels: { ids: Int32Array }) => Float64Array.from(labels.ids, (id) => (id < 0 ? Number.NaN : id));

function specError(f: () => unknown): FeatureSpecError {
  try {
    f();
  } catch (err) {
    if (err instanceof FeatureSpecError) return err;
    throw err;
  }
  throw new Error("expected a FeatureSpecError");
}

describe("features.regimes", () => {
  it("trend3: the id and its one-hot; grid12: the id and its three factors; with the regimes: block's settings", () => {
    const settings = regimesConfigSchema.parse({ trend: { trendAdx: 20 }, grid: { atrMedianWindow: 126 } });
    const spec: FeaturesConfigInput = {
      set: [{ indicator: "ret", params: { period: 1 } }],
      regimes: ["trend3", "grid12"],
    };
    const r = computeFeatures(spec, input(), { regimes: settings });
    expect(r.frame.names).toEqual(["ret_1", ...REGIME_COLUMNS.trend3, ...REGIME_COLUMNS.grid12]);
    const col = (name: string) => r.frame.columns[r.frame.names.indexOf(name)];
    const { bars, context } = input();
    const trend = trendRegime(bars, settings.trend);
    expect(firstDifference(col("regime_trend"), ids(trend))).toBeNull();
    expect(firstDifference(ids(trend), ids(trendRegime(bars)))).not.toBeNull(); // the settings matter
    let defined = 0;
    for (let i = 0; i < bars.ts.length; i++) {
      const oneHot = ["trend", "range", "volatile"].map((n) => col(`regime_trend_${n}`)[i]);
      if (trend.ids[i] < 0) expect(oneHot.every(Number.isNaN)).toBe(true);
      else {
        defined++;
        expect(oneHot).toEqual([0, 1, 2].map((k) => (k === trend.ids[i] ? 1 : 0)));
      }
    }
    expect(defined).toBeGreaterThan(1500);
    // The grid from the bars themselves (SPY is a breadth proxy) and the VIX, as the splits label it.
    const grid = gridRegime(bars, { vix: context.VIX, breadth: breadth(bars.ts, { proxies: [bars] }) }, settings.grid);
    expect(firstDifference(col("regime_grid"), ids(grid))).toBeNull();
    expect(firstDifference(col("regime_grid_vix_tercile"), grid.vixTercile)).toBeNull();
    expect(firstDifference(col("regime_grid_atr_above"), grid.atrAbove)).toBeNull();
    expect(ids(regimeLabelsOf("grid12", input(), settings, "VIX"))).toEqual(ids(grid));
    expect(new Set(grid.ids).size).toBe(13); // all 12 regimes and the warm-up
  });

  it("both stream: every row of the feed equals the batch (breadth from the SPY proxy, and from the universe)", () => {
    const spec: FeaturesConfigInput = { set: "default", regimes: ["trend3", "grid12"] };
    const settings = regimesConfigSchema.parse({ grid: { atrMedianWindow: 126, vixMinHistory: 100 } });
    const { spy, vix } = bundled();
    const universe = loadUniverse();
    const from = spy.ts.findIndex((t) => t >= Date.UTC(2014, 0, 1));
    for (const inp of [input(), { bars: sliceBars(spy, from, from + 900), context: { VIX: vix }, universe }]) {
      const batch = computeFeatures(spec, inp, { regimes: settings });
      const feed = new FeatureFeed(spec, inp, { keep: 2000, regimes: settings });
      expect(feed.names).toEqual(batch.frame.names);
      const { ts } = batch.frame;
      for (const name of [...REGIME_COLUMNS.trend3, ...REGIME_COLUMNS.grid12]) {
        const j = feed.names.indexOf(name);
        const streamed = Float64Array.from(ts, (t) => (feed.rowAt(t) as Float64Array)[j]);
        const diff = firstDifference(streamed, batch.frame.columns[j]);
        if (diff !== null) expect.fail(`${name}: ${diff}`);
        expect(streamed.some((x) => !Number.isNaN(x))).toBe(true);
      }
    }
  });

  it("grid12 names what it lacks: the VIX, breadth", () => {
    const { bars } = input();
    const notAProxy = { ...bars, ticker: "XYZ" };
    const spec: FeaturesConfigInput = { set: [{ indicator: "ret" }], regimes: ["trend3", "grid12"] };
    expect(specError(() => computeFeatures(spec, { bars })).message).toBe(
      "features.regimes[1]: grid12 needs the VIX: context series VIX (features.vix) not given",
    );
    expect(specError(() => computeFeatures(spec, { bars: notAProxy, context: input().context })).message).toContain(
      "features.regimes[1]: grid12 needs breadth: the universe (universe: bundled) or the proxy ETFs",
    );
  });

  it("bad values name the YAML path", () => {
    expect(specError(() => parseFeaturesConfig({ regimes: ["trend5"] as never })).message).toMatch(
      /^features\.regimes\[0\]: .*"trend3"\|"grid12"/,
    );
    expect(specError(() => parseFeaturesConfig({ regimes: ["grid12", "grid12"] })).message).toBe(
      "features.regimes[1]: grid12 is listed twice",
    );
  });
});
