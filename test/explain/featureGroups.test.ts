import { describe, expect, it } from "vitest";
import { columnsByGroup, featureGroups } from "../../src/explain";
import { computeFeatures, featureIndicator } from "../../src/features";
import { bundled } from "../features/_data";
import { CONFIG } from "./_spy";

const familyOf = (indicator: string) => featureIndicator(indicator)?.family;

describe("featureGroups: families from the feature plan, not from column names", () => {
  it("gives each column its indicator's registry family, context columns their series, column transforms their source's group", () => {
    const groups = featureGroups(CONFIG, "1d");
    expect(groups.get("rsi_14")).toBe(familyOf("rsi"));
    expect(groups.get("natr_14")).toBe(familyOf("natr"));
    expect(groups.get("bollinger_width_20_2")).toBe(familyOf("bollinger"));
    // Transform chains keep the family of what they transform.
    for (const name of ["ret_1", "lag_1(ret_1)", "zscore_20(ret_1)", "ret_20", "lag_5(ret_20)"])
      expect(groups.get(name)).toBe(familyOf("ret"));
    // Another asset's columns are its own group, whatever indicator made them.
    for (const name of ["VIX/close", "VIX/zscore_20(close)", "VIX/percentile_rank_252"])
      expect(groups.get(name)).toBe("VIX");
    // A higher timeframe keeps the family.
    const weekly = featureGroups({ ...CONFIG, timeframes: ["1w"] }, "1d");
    expect(weekly.get("1w:rsi_14")).toBe(familyOf("rsi"));
  });

  it("covers every column the default set computes on SPY with VIX (the notebook's frame)", () => {
    const { spy, vix } = bundled();
    const { frame } = computeFeatures({ set: "default" }, { bars: spy, context: { VIX: vix } });
    const byGroup = columnsByGroup(frame.names, featureGroups({ set: "default" }, "1d"));
    expect([...byGroup.keys()].sort()).toEqual(
      ["VIX", "breadth", "calendar", "microstructure", "momentum", "returns", "trend", "volatility", "volume"].sort(),
    );
    expect([...byGroup.values()].reduce((s, c) => s + c.length, 0)).toBe(frame.names.length);
    expect(byGroup.get("VIX")?.every((n) => n.startsWith("VIX/"))).toBe(true);
  });

  it("names a column it has no group for", () => {
    expect(() => columnsByGroup(["rsi_14", "mystery"], featureGroups(CONFIG, "1d"))).toThrow(
      "featureGroups: no group for column mystery",
    );
  });
});
