import { describe, expect, it } from "vitest";
import { GbmModel } from "../../src/models/gbm";
import { meanAbsShap, permutationImportance } from "../../src/explain";
import { takeRows } from "../../src/models/matrix";
import { rocAuc } from "../../src/validation";
import { RfModel } from "../../src/models/rf";
import { purgedKFold } from "../../src/validation";
import { pick, spyFeatures } from "./spyFeatures";

const spy = spyFeatures();
// Next-day volatility is predicted by the volatility regime: recent volatility and range, and the
// trend (falling markets are volatile: ret_20, distance from the 50-day mean).
const VOL_REGIME = ["vol_5", "vol_20", "vol_60", "range", "dist_ma50", "ret_20"];

describe("gbm and rf under purged, embargoed K-fold on SPY", () => {
  it("train, predict and explain per fold; out-of-fold AUC on next-day volatility", async () => {
    const n = spy.X.nRows;
    // Each label spans bar t → t+1 (next-day close).
    const spans = {
      startIdx: spy.barIndex,
      endIdx: Int32Array.from(spy.barIndex, (b) => b + 1),
      startTime: spy.ts,
      endTime: Float64Array.from(spy.ts, (t, i) => (i + 1 < n ? spy.ts[i + 1] : t + 86_400_000)),
      y: spy.bigMove,
    };
    const plan = purgedKFold(spans, { folds: 4, embargo: 5 });
    for (const make of [
      () => new GbmModel({ n_trees: 40, max_depth: 3, learning_rate: 0.05 }),
      () => new RfModel({ n_trees: 20, max_depth: 6, min_samples_leaf: 20 }),
    ]) {
      const oof = new Float64Array(n).fill(Number.NaN);
      for (const split of plan.splits) {
        const m = make();
        await m.fit(takeRows(spy.X, split.train), pick(spy.bigMove, split.train));
        const Xte = takeRows(spy.X, split.test);
        const p = m.predictProba(Xte);
        split.test.forEach((r, i) => {
          oof[r] = p[i];
        });
        // Explanations per fold: a volatility-regime feature leads the mean |SHAP| ranking.
        const imp = meanAbsShap(m.shap(takeRows(Xte, split.test.map((_, i) => i).slice(0, 200))));
        const top = imp.names[imp.values.indexOf(Math.max(...imp.values))];
        expect(VOL_REGIME).toContain(top);
      }
      expect(rocAuc(spy.bigMove, oof)).toBeGreaterThan(0.6);
    }
  });

  it("permutation importance on held-out rows: volatility features matter, a shuffled label gives AUC ≈ 0.5", async () => {
    const cut = Math.floor(spy.X.nRows * 0.75);
    const tr = Int32Array.from({ length: cut }, (_, i) => i);
    const te = Int32Array.from({ length: spy.X.nRows - cut - 1 }, (_, i) => cut + 1 + i);
    const m = new GbmModel({ n_trees: 40, max_depth: 3, learning_rate: 0.05 });
    await m.fit(takeRows(spy.X, tr), pick(spy.bigMove, tr));
    const imp = permutationImportance(m, takeRows(spy.X, te), pick(spy.bigMove, te), { repeats: 2, seed: 1 });
    const order = [...imp.names].sort((a, b) => imp.values[imp.names.indexOf(b)] - imp.values[imp.names.indexOf(a)]);
    expect(VOL_REGIME).toContain(order[0]);
    expect(imp.baseline).toBeGreaterThan(0.6);
    const gain = m.featureImportance("gain");
    expect(gain.values.every((v) => v >= 0)).toBe(true);
    expect(m.featureImportance("split_count").values.reduce((s, v) => s + v, 0)).toBe(40 * 7);

    // Null check: labels shuffled in time → out-of-sample AUC near 0.5.
    const shuffled = pick(spy.bigMove, tr);
    let s = 12345;
    for (let i = shuffled.length - 1; i > 0; i--) {
      s = (s * 1664525 + 1013904223) >>> 0;
      // High bits: an LCG's low bits cycle and would leave labels near their own dates.
      const j = Math.floor((s / 4294967296) * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const ctl = new GbmModel({ n_trees: 40, max_depth: 3, learning_rate: 0.05 });
    await ctl.fit(takeRows(spy.X, tr), shuffled);
    expect(Math.abs(rocAuc(pick(spy.bigMove, te), ctl.predictProba(takeRows(spy.X, te))) - 0.5)).toBeLessThan(0.05);
  });
});
