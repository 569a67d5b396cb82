/**
 * The ablation's steps from the feature plan: each column's component (patterns, regime, context,
 * other) from its feature group, cumulative step columns, a step equal to an earlier one marked as
 * such, bad k named; and ShapPrunedModel keeps the columns its own training rows rank highest.
 */
import { describe, expect, it } from "vitest";
import { columnsByComponent, featureGroups, planAblationSteps, ShapPrunedModel } from "../../src/explain";
import { fromColumns, GbmModel } from "../../src/models";
import { CONFIG } from "./_spy";

const NAMES = [
  "rsi_14",
  "ret_1",
  "VIX/zscore_20(close)",
  "VIX/percentile_rank_252",
  "volatility_cc_20",
  "calendar_month",
  "canary",
];

function groups() {
  const g = featureGroups(CONFIG, "1d");
  g.set("calendar_month", "calendar");
  return g;
}

describe("ablation steps", () => {
  it("places each column by its feature group: single-series families, context series, other", () => {
    expect(columnsByComponent(NAMES, groups(), ["VIX"])).toEqual({
      patterns: ["rsi_14", "ret_1", "volatility_cc_20"],
      regime: [],
      context: ["VIX/zscore_20(close)", "VIX/percentile_rank_252"],
      // A calendar column and one the plan does not know (the leak canary) enter with the full set only.
      other: ["calendar_month", "canary"],
    });
  });

  it("adds one component per step, marks a step equal to an earlier one, and names a bad k", () => {
    const plans = planAblationSteps(
      NAMES,
      groups(),
      ["VIX"],
      ["full", "patterns", "regime", "context", "calibration_sizing", "drop_bottom_k"],
      2,
    );
    expect(plans.map((p) => [p.step, p.columns.length, p.calibrateAndSize, p.dropBottomK, p.sameAs])).toEqual([
      ["patterns", 3, false, 0, null],
      ["regime", 3, false, 0, "patterns"],
      ["context", 5, false, 0, null],
      ["calibration_sizing", 5, true, 0, null],
      ["full", 7, true, 0, null],
      ["drop_bottom_k", 7, true, 2, null],
    ]);
    expect(() => planAblationSteps(NAMES, groups(), ["VIX"], ["drop_bottom_k"], 7)).toThrow(
      "ablation: bottom-k must be an integer in 1..6 (the run has 7 features), got 7",
    );
    expect(() => planAblationSteps(["VIX/percentile_rank_252"], groups(), ["VIX"], ["patterns"])).toThrow(
      /no single-series indicator column/,
    );
  });

  it("ShapPrunedModel keeps the columns its training rows rank highest and predicts from the full matrix", async () => {
    let s = 11;
    const u = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const n = 600;
    const cols = Array.from({ length: 4 }, () => Float64Array.from({ length: n }, u));
    const y = Float64Array.from(cols[2], (v) => (v + 0.2 * u() > 0.6 ? 1 : 0));
    const X = fromColumns(["a", "b", "signal", "d"], cols);
    const model = new ShapPrunedModel(() => new GbmModel({ n_trees: 20, max_depth: 2, seed: 1 }), 3);
    await model.fit(X, y);
    expect(model.kept).toEqual(["signal"]);
    const p = model.predictProba(X);
    expect(p.length).toBe(n);
    expect(model.featureImportance("gain").values[0]).toBe(0);
    expect(() => model.toJSON()).toThrow(/not saved/);
  });
});
