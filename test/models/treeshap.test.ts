import { describe, expect, it } from "vitest";
import { GbmModel } from "../../src/models/gbm";
import { featureMatrix, fromColumns, type FeatureMatrix, takeRows } from "../../src/models/matrix";
import { RfModel } from "../../src/models/rf";
import type { Tree } from "../../src/models/tree";
import type { TreeModel } from "../../src/models/treeModel";
import { pick, spyFeatures, timeSplit } from "./spyFeatures";

const spy = spyFeatures();
const { train, test } = timeSplit(spy.X.nRows, 0.75);
const Xtr = takeRows(spy.X, train);
const Xte = takeRows(spy.X, test);
const first = (X: FeatureMatrix, k: number) =>
  takeRows(
    X,
    Int32Array.from({ length: k }, (_, i) => i),
  );
const eq = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Σ phi + expected == raw margin on every row and output. */
function checkIdentity(m: TreeModel<{ missing: "error" | "learn"; n_threads: number }>, X: FeatureMatrix): number {
  const s = m.shap(X);
  const margin = m.predictMargin(X);
  const F = X.names.length;
  const k = s.nOutputs;
  let bad = 0;
  for (let i = 0; i < X.nRows; i++) {
    for (let c = 0; c < k; c++) {
      const o = (i * k + c) * (F + 1);
      let sum = 0;
      for (let f = 0; f <= F; f++) sum += s.values[o + f];
      if (!eq(sum, margin[i * k + c])) bad++;
    }
  }
  return bad;
}

/** E[tree(x) | x_S] under the path-dependent (cover-weighted) distribution: Algorithm 1. */
function condExp(t: Tree, row: Float64Array, inS: (f: number) => boolean, node = 0): number {
  const f = t.feature[node];
  if (f < 0) return t.value[node];
  if (inS(f)) return condExp(t, row, inS, row[f] <= t.threshold[node] ? t.left[node] : t.right[node]);
  const l = t.left[node];
  const r = t.right[node];
  return (t.cover[l] * condExp(t, row, inS, l) + t.cover[r] * condExp(t, row, inS, r)) / t.cover[node];
}

function bruteShapley(trees: Tree[], row: Float64Array, M: number): Float64Array {
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const v = (mask: number) => trees.reduce((s, t) => s + condExp(t, row, (f) => ((mask >> f) & 1) === 1), 0);
  const phi = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    for (let mask = 0; mask < 1 << M; mask++) {
      if ((mask >> i) & 1) continue;
      let size = 0;
      for (let j = 0; j < M; j++) size += (mask >> j) & 1;
      const w = (fact(size) * fact(M - size - 1)) / fact(M);
      phi[i] += w * (v(mask | (1 << i)) - v(mask));
    }
  }
  return phi;
}

describe("TreeSHAP", () => {
  it("binary gbm: contributions + expected value == raw margin on every row", async () => {
    const m = new GbmModel({ n_trees: 25, max_depth: 6 });
    await m.fit(Xtr, pick(spy.bigMove, train));
    expect(checkIdentity(m, first(Xte, 1000))).toBe(0);
  });

  it("multiclass gbm and rf: the identity holds per output", async () => {
    const g = new GbmModel({ n_trees: 15, max_depth: 4 });
    await g.fit(Xtr, pick(spy.tercile, train));
    expect(checkIdentity(g, first(Xte, 1000))).toBe(0);
    const r = new RfModel({ n_trees: 10, max_depth: 7 });
    await r.fit(Xtr, pick(spy.bigMove, train));
    expect(checkIdentity(r, first(Xte, 500))).toBe(0);
  });

  it("missing values follow the learned default direction in SHAP too", async () => {
    const data = Float64Array.from(Xtr.data);
    for (let i = 0; i < Xtr.nRows; i += 7) data[i] = Number.NaN;
    const X = featureMatrix(Xtr.names, Xtr.nRows, data);
    const m = new GbmModel({ n_trees: 20, max_depth: 5, missing: "learn" });
    await m.fit(X, pick(spy.bigMove, train));
    expect(
      checkIdentity(
        m,
        takeRows(
          X,
          Int32Array.from({ length: 1500 }, (_, i) => i),
        ),
      ),
    ).toBe(0);
  });

  it("equals brute-force Shapley values on small trees (gbm and rf)", async () => {
    const names = ["vol_5", "vol_20", "ret_1", "range", "gap"];
    const X = fromColumns(
      names,
      names.map((n) => Xtr.data.subarray(Xtr.names.indexOf(n) * Xtr.nRows, (Xtr.names.indexOf(n) + 1) * Xtr.nRows)),
    );
    const y = pick(spy.bigMove, train);
    const g = new GbmModel({ n_trees: 4, max_depth: 3 });
    await g.fit(X, y);
    const r = new RfModel({ n_trees: 3, max_depth: 4, max_features: 2 });
    await r.fit(X, y);
    for (const m of [g, r]) {
      const s = m.shap(X);
      const trees = m.treeEnsemble!.trees;
      for (const i of [0, 17, 400, 1234, X.nRows - 1]) {
        const row = Float64Array.from(names, (_, f) => X.data[f * X.nRows + i]);
        const bf = bruteShapley(trees, row, names.length);
        for (let f = 0; f < names.length; f++) expect(eq(s.values[i * (names.length + 1) + f], bf[f])).toBe(true);
      }
    }
  });

  it("parallel TreeSHAP (worker threads) equals the single-threaded result", async () => {
    const m = new GbmModel({ n_trees: 20, max_depth: 5 });
    await m.fit(Xtr, pick(spy.bigMove, train));
    const a = m.shap(first(Xte, 1000));
    const b = await m.shapParallel(first(Xte, 1000), 2);
    expect(b.values).toEqual(a.values);
  });
});
