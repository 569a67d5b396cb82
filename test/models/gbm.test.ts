import { describe, expect, it } from "vitest";
import { GbmModel } from "../../src/models/gbm";
import { featureMatrix, fromColumns, takeRows } from "../../src/models/matrix";
import { logLoss } from "../../src/models/metrics";
import { rocAuc } from "../../src/validation";
import { pick, spyFeatures, timeSplit } from "./spyFeatures";

const spy = spyFeatures();
const { train, test } = timeSplit(spy.X.nRows, 0.75);
const Xtr = takeRows(spy.X, train);
const Xte = takeRows(spy.X, test);

function treesEqual(a: GbmModel, b: GbmModel): boolean {
  return JSON.stringify(a.toJSON().trees) === JSON.stringify(b.toJSON().trees);
}

describe("gbm on SPY daily features", () => {
  it("learns next-day volatility out of sample (time-ordered split; purged CV in models.cv.test)", async () => {
    const m = new GbmModel({ n_trees: 60, max_depth: 3, learning_rate: 0.05, seed: 1 });
    await m.fit(Xtr, pick(spy.bigMove, train));
    const p = m.predictProba(Xte);
    expect(p.length).toBe(test.length);
    expect(rocAuc(pick(spy.bigMove, test), p)).toBeGreaterThan(0.6);
  });

  it("next-day direction stays near chance (no leakage in the helper features)", async () => {
    const m = new GbmModel({ n_trees: 60, max_depth: 3, learning_rate: 0.05 });
    await m.fit(Xtr, pick(spy.direction, train));
    const auc = rocAuc(pick(spy.direction, test), m.predictProba(Xte));
    expect(auc).toBeGreaterThan(0.4);
    expect(auc).toBeLessThan(0.6);
  });

  it("same seed gives the same model with row and column subsampling; another seed differs", async () => {
    const params = { n_trees: 20, max_depth: 4, subsample: 0.7, colsample_bytree: 0.6, seed: 7 };
    const a = new GbmModel(params);
    const b = new GbmModel(params);
    const c = new GbmModel({ ...params, seed: 8 });
    const y = pick(spy.bigMove, train);
    await a.fit(Xtr, y);
    await b.fit(Xtr, y);
    await c.fit(Xtr, y);
    expect(treesEqual(a, b)).toBe(true);
    expect(treesEqual(a, c)).toBe(false);
  });

  it("two threads (worker + main, shared memory) build exactly the single-thread trees", async () => {
    const y = pick(spy.bigMove, train);
    // 30 columns (the features and two transforms of each) so that large nodes go to the worker
    // (small node tasks stay on the main thread) and both paths are exercised.
    const n = Xtr.nRows;
    const cols = Xtr.names.map((_, j) => Xtr.data.subarray(j * n, (j + 1) * n));
    const wide = fromColumns(
      [...Xtr.names, ...Xtr.names.map((s) => `${s}_sq`), ...Xtr.names.map((s) => `${s}_lag`)],
      [...cols, ...cols.map((c) => c.map((v) => v * v)), ...cols.map((c) => c.map((_, i) => (i > 0 ? c[i - 1] : 0)))],
    );
    for (const colsample of [1, 0.8]) {
      const one = new GbmModel({ n_trees: 15, max_depth: 5, n_threads: 1, colsample_bytree: colsample, seed: 3 });
      const two = new GbmModel({ n_trees: 15, max_depth: 5, n_threads: 2, colsample_bytree: colsample, seed: 3 });
      await one.fit(wide, y);
      await two.fit(wide, y);
      expect(treesEqual(one, two)).toBe(true);
    }
  });

  it("max_depth and max_leaves (best-first) bound every tree", async () => {
    const y = pick(spy.bigMove, train);
    const d = new GbmModel({ n_trees: 5, max_depth: 3, min_child_weight: 0 });
    await d.fit(Xtr, y);
    const l = new GbmModel({ n_trees: 5, max_depth: 0, max_leaves: 7 });
    await l.fit(Xtr, y);
    for (const t of d.toJSON().trees) expect(t.feature.filter((f) => f < 0).length).toBe(8);
    for (const t of l.toJSON().trees) expect(t.feature.filter((f) => f < 0).length).toBe(7);
  });

  it("L1, L2, min split gain and min child weight shrink trees", async () => {
    const y = pick(spy.bigMove, train);
    const leaves = async (p: object) => {
      const m = new GbmModel({ n_trees: 3, max_depth: 6, ...p });
      await m.fit(Xtr, y);
      return m.toJSON().trees.reduce((s, t) => s + t.feature.filter((f) => f < 0).length, 0);
    };
    const base = await leaves({});
    expect(await leaves({ min_child_weight: 50 })).toBeLessThan(base);
    expect(await leaves({ min_split_gain: 2 })).toBeLessThan(base);
    expect(await leaves({ alpha: 5 })).toBeLessThan(base);
    const small = new GbmModel({ n_trees: 1, max_depth: 1, lambda: 0 });
    const big = new GbmModel({ n_trees: 1, max_depth: 1, lambda: 1000 });
    await small.fit(Xtr, y);
    await big.fit(Xtr, y);
    const maxAbs = (m: GbmModel) => Math.max(...m.toJSON().trees[0].value.map(Math.abs));
    expect(maxAbs(big)).toBeLessThan(maxAbs(small));
  });

  it("multiclass softmax: probabilities sum to 1 and beat the class prior", async () => {
    const y = pick(spy.tercile, train);
    const m = new GbmModel({ n_trees: 30, max_depth: 3 });
    await m.fit(Xtr, y);
    expect(m.nClasses).toBe(3);
    const p = m.predictProba(Xtr);
    expect(p.length).toBe(3 * train.length);
    for (let i = 0; i < train.length; i++)
      expect(Math.abs(p[3 * i] + p[3 * i + 1] + p[3 * i + 2] - 1)).toBeLessThan(1e-12);
    const prior = new Float64Array(3);
    for (const v of y) prior[v] += 1 / y.length;
    const priorP = Float64Array.from({ length: 3 * y.length }, (_, k) => prior[k % 3]);
    expect(logLoss(y, p)).toBeLessThan(logLoss(y, priorP));
  });

  it("early stopping on the eval set keeps the best iteration", async () => {
    const m = new GbmModel({ n_trees: 300, max_depth: 6, learning_rate: 0.5, early_stopping_rounds: 5 });
    const r = await m.fit(Xtr, pick(spy.direction, train), { eval: { X: Xte, y: pick(spy.direction, test) } });
    expect(r.evalLogLoss.length).toBeLessThan(300);
    expect(r.iterations).toBe(r.bestIteration + 1);
    expect(Math.min(...r.evalLogLoss)).toBe(r.evalLogLoss[r.bestIteration]);
    expect(m.toJSON().trees.length).toBe(r.iterations);
  });

  it("sample weights change the model; zero weights equal dropping rows", async () => {
    const y = pick(spy.bigMove, train);
    const half = Math.floor(train.length / 2);
    const w = Float64Array.from({ length: train.length }, (_, i) => (i < half ? 0 : 1));
    const weighted = new GbmModel({ n_trees: 10, max_depth: 3 });
    await weighted.fit(Xtr, y, { sampleWeight: w });
    const rows = Int32Array.from({ length: train.length - half }, (_, i) => half + i);
    const dropped = new GbmModel({ n_trees: 10, max_depth: 3 });
    await dropped.fit(takeRows(Xtr, rows), pick(y, rows));
    const a = weighted.predictProba(Xte);
    const b = dropped.predictProba(Xte);
    // Bin cuts come from all rows in one and half the rows in the other, so compare loosely.
    expect(rocAuc(pick(spy.bigMove, test), a)).toBeGreaterThan(0.6);
    expect(Math.abs(rocAuc(pick(spy.bigMove, test), a) - rocAuc(pick(spy.bigMove, test), b))).toBeLessThan(0.03);
  });
});

describe("gbm bad input", () => {
  const y = pick(spy.bigMove, train);
  it("refuses NaN/Infinity naming columns and counts unless missing = learn", async () => {
    const data = Float64Array.from(Xtr.data);
    const n = Xtr.nRows;
    data[2 * n + 5] = Number.NaN;
    data[2 * n + 6] = Number.NaN;
    data[7 * n + 1] = Number.POSITIVE_INFINITY;
    const bad = featureMatrix(Xtr.names, n, data);
    await expect(new GbmModel().fit(bad, y)).rejects.toThrow(/ret_5 \(2\), range \(1\).*missing = "learn"/);
    const m = new GbmModel({ n_trees: 5, missing: "learn" });
    await m.fit(bad, y);
    expect(() => new GbmModel().predictProba(bad)).toThrow(/not fitted/);
    expect(m.predictProba(bad).every(Number.isFinite)).toBe(true);
  });

  it("learns the default direction of missing values", async () => {
    // Synthetic: the label is 1 exactly where feature 0 is missing.
    const n = 2000;
    const data = new Float64Array(2 * n);
    const yy = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      data[i] = i % 3 === 0 ? Number.NaN : (i * 7919) % 101;
      data[n + i] = (i * 104729) % 97;
      yy[i] = i % 3 === 0 ? 1 : 0;
    }
    const X = featureMatrix(["a", "b"], n, data);
    const m = new GbmModel({ n_trees: 20, max_depth: 2, missing: "learn" });
    await m.fit(X, yy);
    expect(rocAuc(yy, m.predictProba(X))).toBe(1);
  });

  it("one class, too few rows, bad labels and bad params are clear errors", async () => {
    await expect(new GbmModel().fit(Xtr, new Float64Array(Xtr.nRows))).rejects.toThrow(/one class only/);
    await expect(
      new GbmModel().fit(
        Xtr,
        Float64Array.from(y, (v) => v * 2),
      ),
    ).rejects.toThrow(/classes 1 never occur/);
    await expect(
      new GbmModel().fit(
        Xtr,
        Float64Array.from(y, (v) => v + 0.5),
      ),
    ).rejects.toThrow(/y\[0\] = /);
    await expect(new GbmModel({ min_child_weight: 1e6 }).fit(Xtr, y)).rejects.toThrow(/min_child_weight/);
    await expect(new GbmModel({ min_child_weight: 1000 }).fit(Xtr, y)).rejects.toThrow(
      /hessian sum .* below 2 × min_child_weight/,
    );
    expect(() => new GbmModel({ learning_rate: -1 })).toThrow(/learning_rate/);
    expect(() => new GbmModel({ max_depth: 0, max_leaves: 0 })).toThrow(/max_depth or max_leaves/);
    expect(() => new GbmModel({ depth: 3 } as never)).toThrow(/depth/);
  });

  it("predicting on other features or another order is refused with the difference", async () => {
    const m = new GbmModel({ n_trees: 2 });
    await m.fit(Xtr, y);
    const swapped = [...Xte.names];
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    expect(() => m.predictProba(featureMatrix(swapped, Xte.nRows, Xte.data))).toThrow(
      /order differs: ret_1 at 1 \(expected 0\)/,
    );
    const renamed = Xte.names.map((s) => (s === "gap" ? "gap2" : s));
    expect(() => m.predictProba(featureMatrix(renamed, Xte.nRows, Xte.data))).toThrow(/missing: gap; unexpected: gap2/);
  });
});
