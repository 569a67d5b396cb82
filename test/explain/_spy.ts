/**
 * Test data of the explain tests: bundled SPY daily (cut to VIX's end) with a small feature
 * config on the bars and on VIX, 5-day direction labels from 2000, purged 5-fold splits, and two
 * planted groups: `leak` (the label's own forward return plus noise, a look-ahead column) and
 * `noise` (seeded Gaussian columns that carry nothing).
 */
import { computeFeatures, type FeaturesConfigInput } from "../../src/features";
import { fixedHorizonLabels } from "../../src/labels";
import { GbmModel, type Model } from "../../src/models";
import { purgedKFold, type SplitPlan } from "../../src/validation";
import { featureGroups, usableLabels } from "../../src/explain";
import { bundled, rng } from "../features/_data";

export const HORIZON = 5;

export const CONFIG: FeaturesConfigInput = {
  set: [
    { indicator: "rsi", params: { period: 14 } },
    { indicator: "ret", params: { period: 1 }, transforms: ["lag(1)", "zscore(20)"] },
    { indicator: "ret", params: { period: 20 } },
    { indicator: "volatility_cc", params: { period: 20 } },
    { indicator: "natr" },
    { indicator: "bollinger", outputs: ["width"] },
    { indicator: "close", context: "VIX", transforms: ["zscore(20)"] },
    { indicator: "percentile_rank", params: { period: 252 }, context: "VIX" },
    { column: "ret_20", transforms: ["lag(5)"] },
  ],
};

export const makeGbm = (): Model => new GbmModel({ n_trees: 60, max_depth: 3, learning_rate: 0.05, seed: 1 });

export interface ExplainData {
  names: string[];
  columns: Float64Array[];
  groups: Map<string, string>;
  y: Float64Array;
  plan: SplitPlan;
}

function gaussian(seed: number, n: number): Float64Array {
  const u = rng(seed);
  return Float64Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
}

let cache: ExplainData | null = null;

export function explainData(): ExplainData {
  if (cache) return cache;
  const { spy, vix } = bundled();
  const { frame } = computeFeatures(CONFIG, { bars: spy, context: { VIX: vix } });
  const n = spy.ts.length;
  const fwd = Float64Array.from({ length: n }, (_, t) =>
    t + HORIZON < n ? Math.log(spy.close[t + HORIZON] / spy.close[t]) : Number.NaN,
  );
  const known = fwd.filter(Number.isFinite);
  const sd = Math.sqrt(known.reduce((s, v) => s + v * v, 0) / known.length);
  const e = gaussian(11, n);
  const leak = Float64Array.from(fwd, (v, i) => v + sd * e[i]);
  const noise = [1, 2, 3].map((k) => gaussian(100 + k, n));
  const names = [...frame.names, "leak_fwd_ret", "noise_1", "noise_2", "noise_3"];
  const columns = [...frame.columns, leak, ...noise];
  const groups = featureGroups(CONFIG, "1d");
  groups.set("leak_fwd_ret", "leak");
  for (const k of [1, 2, 3]) groups.set(`noise_${k}`, "noise");
  const labels = fixedHorizonLabels(spy.ts, spy.close, { horizon: HORIZON, classes: 2 });
  const { y } = usableLabels(labels.y, spy.ts, columns, { from: Date.UTC(2000, 0, 1) });
  const plan = purgedKFold({ ...labels, y }, { folds: 5, embargo: HORIZON });
  cache = { names, columns, groups, y, plan };
  return cache;
}
