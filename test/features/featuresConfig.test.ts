/** The features: block: names, deterministic expansion, and errors that name the entry and what was expected. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { sliceBars } from "../../src/data";
import {
  FeatureSpecError,
  computeFeatures,
  featureIndicatorNames,
  featuresConfigSchema,
  parseFeaturesConfig,
  planFeatures,
} from "../../src/features";
import { bundled } from "./_data";

function specError(f: () => unknown): FeatureSpecError {
  try {
    f();
  } catch (err) {
    if (err instanceof FeatureSpecError) return err;
    throw err;
  }
  throw new Error("expected a FeatureSpecError");
}

describe("features config", () => {
  it("parses a complete sketch from YAML with defaults", () => {
    const config = featuresConfigSchema.parse(parse("set: default\ntimeframes: [1d, 1w]\n"));
    expect(config).toMatchObject({
      set: "default",
      timeframes: ["1d", "1w"],
      nan: "keep",
      benchmark: "SPY",
      vix: "VIX",
    });
  });

  it("names columns stably: rsi_14, macd_hist_12_26_9, zscore_20(ret_1), 1w:rsi_14, VIX/close, chains inside out", () => {
    const { spy, vix } = bundled();
    const spec = {
      set: [
        { indicator: "rsi", transforms: ["lag(1)"] },
        { indicator: "macd", outputs: ["hist"] },
        { indicator: "ret", params: { period: 1 }, raw: false, transforms: ["zscore(20)", "diff(1) | pct_change(2)"] },
        { indicator: "rsi", timeframe: "1w" as const },
        { indicator: "close", context: "VIX" },
        { indicator: "adx", outputs: ["plus_di"] },
        { column: "rsi_14", transforms: ["diff(5)"] },
      ],
    };
    const r = computeFeatures(spec, { bars: spy, context: { VIX: vix } });
    expect(r.frame.names).toEqual([
      "rsi_14",
      "lag_1(rsi_14)",
      "macd_hist_12_26_9",
      "zscore_20(ret_1)",
      "pct_change_2(diff_1(ret_1))",
      "1w:rsi_14",
      "VIX/close",
      "adx_plus_di_14",
      "diff_5(rsi_14)",
    ]);
    // Deterministic: the same config gives the same plan.
    const a = planFeatures(parseFeaturesConfig({ set: "default", timeframes: ["1w"] }), "1d").map((s) => s.path);
    const b = planFeatures(parseFeaturesConfig({ set: "default", timeframes: ["1w"] }), "1d").map((s) => s.path);
    expect(a).toEqual(b);
    // Transforms are what they say: lag and diff of the raw column.
    const rsi = r.frame.columns[0];
    const lag = r.frame.columns[1];
    const diff5 = r.frame.columns[8];
    for (const i of [100, 2000, 8000]) {
      expect(lag[i]).toBe(rsi[i - 1]);
      expect(diff5[i]).toBeCloseTo(rsi[i] - rsi[i - 5], 12);
    }
  });

  it("unknown indicator: names the entry and lists the known ones", () => {
    const err = specError(() => parseFeaturesConfig({ set: [{ indicator: "rsi" }, { indicator: "rsx" }] }));
    expect(err.path).toBe("features.set[1]");
    expect(err.message).toContain(`unknown indicator "rsx"`);
    for (const name of featureIndicatorNames()) expect(err.message).toContain(name);
  });

  it("bad parameters: unknown, out of range, wrong type", () => {
    expect(
      specError(() => parseFeaturesConfig({ set: [{ indicator: "rsi", params: { period: 0 } }] })).message,
    ).toMatch(/features\.set\[0\]: rsi: parameter period must be an integer in \[1, 100000\], got 0/);
    expect(
      specError(() => parseFeaturesConfig({ set: [{ indicator: "rsi", params: { length: 14 } }] })).message,
    ).toMatch(/unknown parameter "length"; its parameters are period/);
    expect(
      specError(() => parseFeaturesConfig({ set: [{ indicator: "macd", params: { fast: "12" } }] })).message,
    ).toContain('parameter fast must be an integer in [1, 100000], got "12"');
    expect(specError(() => parseFeaturesConfig({ extra: [{ indicator: "adx", outputs: ["pdi"] }] })).message).toMatch(
      /features\.extra\[0\]: adx: unknown output pdi; its outputs are adx, plus_di, minus_di/,
    );
  });

  it("bad transforms and timeframes", () => {
    expect(
      specError(() => parseFeaturesConfig({ set: [{ indicator: "rsi", transforms: ["lag(0)"] }] })).message,
    ).toContain("lag(0): the argument must be an integer in [1, 100000]");
    expect(
      specError(() => parseFeaturesConfig({ set: [{ indicator: "rsi", transforms: ["ewm(3)"] }] })).message,
    ).toContain('"ewm(3)" is not a transform; expected lag(k), diff(k), pct_change(k), zscore(n) or cs_rank');
    const { spy } = bundled();
    expect(specError(() => computeFeatures({ set: "default", timeframes: ["1w", "1h"] }, { bars: spy })).message).toBe(
      "features.timeframes[1]: 1h is finer than the bars (1d); expected 1d, 1w",
    );
  });

  it("a transform on a missing column names the entry and the columns there are", () => {
    const { spy } = bundled();
    const err = specError(() =>
      computeFeatures({ set: [{ indicator: "rsi" }, { column: "rsi_15", transforms: ["lag(1)"] }] }, { bars: spy }),
    );
    expect(err.message).toBe("features.set[1] (column rsi_15): no column rsi_15 to transform; columns so far: rsi_14");
  });

  it("a duplicate column names both entries", () => {
    const { spy } = bundled();
    const err = specError(() =>
      computeFeatures({ set: [{ indicator: "rsi" }, { indicator: "rsi", params: { period: 14 } }] }, { bars: spy }),
    );
    expect(err.message).toBe("features.set[1] (rsi): column rsi_14 is already made by features.set[0] (rsi)");
  });

  it("a context series that does not cover the bars, or is missing, is an error naming the entry", () => {
    const { spy, vix } = bundled();
    const cover = specError(() =>
      computeFeatures(
        { set: [{ indicator: "close", context: "VIX" }] },
        { bars: spy, context: { VIX: sliceBars(vix, 0, 100) } },
      ),
    );
    expect(cover.message).toMatch(
      /^features\.set\[0\] \(close on VIX\): context series VIX covers 1990-01-02\.\.1990-05-23; the bars need it from 1993-01-29 to 2026-07-23/,
    );
    const missing = specError(() => computeFeatures({ set: [{ indicator: "close", context: "VIX" }] }, { bars: spy }));
    expect(missing.message).toBe("features.set[0] (close on VIX): context series VIX not given (input.context.VIX)");
    const volume = specError(() => computeFeatures({ set: [{ indicator: "obv" }] }, { bars: vix }));
    expect(volume.message).toBe("features.set[0] (obv): obv needs volume; the series has none");
  });
});
