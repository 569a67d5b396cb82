/**
 * `features.exclude`: by exact name (a higher-timeframe copy keeps its prefix) or by family (every
 * timeframe), taken out of the plan before computing; a name matching nothing is an error naming
 * `features.exclude[i]` with the closest names; the stream makes the same columns as the batch.
 */
import { describe, expect, it } from "vitest";
import { sliceBars } from "../../src/data";
import {
  computeFeatures,
  FeatureFeed,
  FeatureSpecError,
  type FeaturesConfigInput,
  parseFeaturesConfig,
  planFeatures,
} from "../../src/features";
import { featurePlan } from "../../src/features/featurePlan";
import { bundled } from "./_data";

function input() {
  const { spy, vix } = bundled();
  const n = spy.ts.length;
  // The last six years: the weekly copies and VIX's 252-day rank have values.
  return { bars: sliceBars(spy, n - 1500, n), context: { VIX: vix } };
}

function specError(f: () => unknown): FeatureSpecError {
  try {
    f();
  } catch (err) {
    if (err instanceof FeatureSpecError) return err;
    throw err;
  }
  throw new Error("expected a FeatureSpecError");
}

const BASE: FeaturesConfigInput = { set: "default", timeframes: ["1w"] };

describe("features.exclude", () => {
  it("by name: rsi_14 goes, 1w:rsi_14 stays (named with its prefix), every other column is unchanged", () => {
    const full = computeFeatures(BASE, input());
    const cut = computeFeatures({ ...BASE, exclude: ["rsi_14", "1w:macd_hist_12_26_9"] }, input());
    expect(full.frame.names).toContain("rsi_14");
    expect(cut.frame.names).not.toContain("rsi_14");
    expect(cut.frame.names).not.toContain("1w:macd_hist_12_26_9");
    expect(cut.frame.names).toContain("1w:rsi_14");
    expect(cut.frame.names).toContain("macd_hist_12_26_9");
    expect(cut.frame.names).toEqual(full.frame.names.filter((n) => n !== "rsi_14" && n !== "1w:macd_hist_12_26_9"));
    for (const [j, name] of cut.frame.names.entries()) {
      expect(cut.frame.columns[j]).toEqual(full.frame.columns[full.frame.names.indexOf(name)]);
    }
  });

  it("by family: every momentum column on every timeframe goes, and its entries are never computed", () => {
    const config = parseFeaturesConfig({ ...BASE, exclude: ["momentum", "VIX"] });
    const { families } = featurePlan(config, "1d");
    const momentum = [...families].filter(([, f]) => f === "momentum").map(([n]) => n);
    expect(momentum).toEqual(expect.arrayContaining(["rsi_14", "1w:rsi_14"]));
    const cut = computeFeatures(config, input());
    const full = computeFeatures(BASE, input());
    expect(cut.frame.names).toEqual(
      full.frame.names.filter((n) => families.get(n) !== "momentum" && !n.startsWith("VIX/")),
    );
    // A step whose every column is excluded is not in the plan: RSI is never run.
    const steps = planFeatures(config, "1d");
    expect(steps.some((s) => s.kind === "indicator" && s.def.name === "rsi")).toBe(false);
    expect(steps.some((s) => s.kind === "indicator" && s.def.family === "momentum")).toBe(false);
  });

  it("a name or family that matches nothing names features.exclude[i] and the closest names", () => {
    const err = specError(() => computeFeatures({ ...BASE, exclude: ["macd", "rsi14"] }, input()));
    expect(err.path).toBe("features.exclude[0]");
    expect(err.message).toContain("macd is no column or family of this feature set; close: macd_");
    const err2 = specError(() => planFeatures(parseFeaturesConfig({ ...BASE, exclude: ["rsi_14", "rsi14"] }), "1d"));
    expect(err2.path).toBe("features.exclude[1]");
    expect(err2.message).toMatch(/close: rsi_14\b/);
    expect(err2.message).toContain("families: trend, momentum, volatility");
  });

  it("excluding a column another entry transforms is an error naming both", () => {
    const spec: FeaturesConfigInput = {
      set: [{ indicator: "rsi", params: { period: 14 } }],
      extra: [{ column: "rsi_14", transforms: ["diff(1)"] }],
      exclude: ["rsi_14"],
    };
    const err = specError(() => computeFeatures(spec, input()));
    expect(err.path).toBe("features.exclude[0]");
    expect(err.message).toContain("which features.extra[0] (column rsi_14) transforms into diff_1(rsi_14)");
    // Excluding the transformed column too removes both.
    const both = computeFeatures(
      {
        ...spec,
        exclude: ["rsi_14", "diff_1(rsi_14)"],
        extra: [...(spec.extra ?? []), { indicator: "ret", params: { period: 1 } }],
      },
      input(),
    );
    expect(both.frame.names).toEqual(["ret_1"]);
  });

  it("the stream makes the batch's columns", () => {
    const spec: FeaturesConfigInput = { ...BASE, exclude: ["momentum", "1w:natr_14", "regime"], regimes: ["trend3"] };
    const batch = computeFeatures(spec, input());
    expect(new FeatureFeed(spec, input()).names).toEqual(batch.frame.names);
    expect(batch.frame.names.some((n) => n.startsWith("regime_"))).toBe(false);
  });

  it("bad values name the YAML path", () => {
    expect(specError(() => parseFeaturesConfig({ exclude: ["rsi_14", "rsi_14"] })).message).toBe(
      "features.exclude[1]: rsi_14 is listed twice",
    );
    expect(specError(() => parseFeaturesConfig({ exclude: [""] })).path).toBe("features.exclude[0]");
    expect(specError(() => parseFeaturesConfig({ exclude: "rsi_14" as never })).path).toBe("features.exclude");
  });
});
