import { describe, expect, it } from "vitest";
import { takeRows } from "../../src/models/matrix";
import { rocAuc } from "../../src/validation";
import { RfModel } from "../../src/models/rf";
import { pick, spyFeatures, timeSplit } from "./spyFeatures";

const spy = spyFeatures();
const { train, test } = timeSplit(spy.X.nRows, 0.75);
const Xtr = takeRows(spy.X, train);
const Xte = takeRows(spy.X, test);
const ytr = pick(spy.bigMove, train);

describe("rf on SPY daily features", () => {
  it("learns next-day volatility out of sample; OOB predictions and score agree with it", async () => {
    const m = new RfModel({ n_trees: 40, min_samples_leaf: 20, seed: 1 });
    await m.fit(Xtr, ytr);
    const auc = rocAuc(pick(spy.bigMove, test), m.predictProba(Xte));
    expect(auc).toBeGreaterThan(0.6);
    const oob = m.oob!;
    expect(oob.predictions.length).toBe(train.length);
    // With 40 trees each row is out of bag for ~15 of them: NaN (never OOB) is essentially impossible.
    expect(oob.predictions.filter(Number.isNaN).length).toBe(0);
    expect(oob.auc).toBeGreaterThan(0.6);
    expect(oob.accuracy).toBeGreaterThan(0.55);
    // OOB is honest: far below the in-sample AUC of the same forest.
    expect(rocAuc(ytr, m.predictProba(Xtr))).toBeGreaterThan(oob.auc + 0.05);
  });

  it("probabilities are the mean of tree leaf frequencies (within [0, 1])", async () => {
    const m = new RfModel({ n_trees: 12 });
    await m.fit(Xtr, ytr);
    const p = m.predictProba(Xte);
    expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Fully grown trees on the bootstrap fit their own rows: in-sample probability tracks the label.
    const pin = m.predictProba(Xtr);
    expect(rocAuc(ytr, pin)).toBeGreaterThan(0.95);
  });

  it("same seed → same forest for any thread count; another seed differs", async () => {
    const a = new RfModel({ n_trees: 8, max_depth: 6, seed: 5, n_threads: 1 });
    const b = new RfModel({ n_trees: 8, max_depth: 6, seed: 5, n_threads: 2 });
    const c = new RfModel({ n_trees: 8, max_depth: 6, seed: 6, n_threads: 2 });
    await a.fit(Xtr, ytr);
    await b.fit(Xtr, ytr);
    await c.fit(Xtr, ytr);
    const trees = (m: RfModel) => JSON.stringify(m.toJSON().trees);
    expect(trees(a)).toBe(trees(b));
    expect(trees(a)).not.toBe(trees(c));
    // OOB sums merge per-worker partial sums: equal up to summation order.
    const pa = a.oob!.predictions;
    const pb = b.oob!.predictions;
    expect(pa.filter(Number.isNaN).length).toBeGreaterThan(0);
    const same = pa.every((v, i) => (Number.isNaN(v) ? Number.isNaN(pb[i]) : Math.abs(v - pb[i]) < 1e-12));
    expect(same).toBe(true);
  });

  it("max_depth, max_leaves and min_samples_leaf bound the trees", async () => {
    const m = new RfModel({ n_trees: 4, max_leaves: 10, min_samples_leaf: 5 });
    await m.fit(Xtr, ytr);
    for (const t of m.toJSON().trees) {
      expect(t.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(10);
      t.feature.forEach((f, i) => {
        if (f < 0) expect(t.cover[i]).toBeGreaterThanOrEqual(5);
      });
    }
  });

  it("bad input: multiclass, one class, too few rows, bad params", async () => {
    await expect(new RfModel().fit(Xtr, pick(spy.tercile, train))).rejects.toThrow(
      /binary labels \(0\/1\) only, y has 3 classes/,
    );
    await expect(new RfModel().fit(Xtr, new Float64Array(Xtr.nRows).fill(1))).rejects.toThrow(/classes 0 never occur/);
    await expect(new RfModel({ min_samples_leaf: 1e5 }).fit(Xtr, ytr)).rejects.toThrow(/min_samples_leaf/);
    expect(() => new RfModel({ max_features: "half" as never })).toThrow(/max_features/);
  });
});
