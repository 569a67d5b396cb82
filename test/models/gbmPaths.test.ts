import { describe, expect, it } from "vitest";
import { GbmModel } from "../../src/models/gbm";
import { type FeatureMatrix, featureMatrix, fromColumns, takeRows } from "../../src/models/matrix";
import { rocAuc } from "../../src/validation";
import { loadModel, saveModel } from "../../src/models/serialise";
import { pick, spyFeatures, timeSplit } from "./spyFeatures";

const spy = spyFeatures();
const { train, test } = timeSplit(spy.X.nRows, 0.75);
const Xtr = takeRows(spy.X, train);
const Xte = takeRows(spy.X, test);

function treesEqual(a: GbmModel, b: GbmModel): boolean {
  return JSON.stringify(a.toJSON().trees) === JSON.stringify(b.toJSON().trees);
}

/**
 * 30 columns (the features, their squares and their one-row lags), as in gbm.test: with this
 * many features the large node tasks go to the worker thread under n_threads 2.
 */
function widen(X: FeatureMatrix): FeatureMatrix {
  const n = X.nRows;
  const cols = X.names.map((_, j) => X.data.subarray(j * n, (j + 1) * n));
  return fromColumns(
    [...X.names, ...X.names.map((s) => `${s}_sq`), ...X.names.map((s) => `${s}_lag`)],
    [...cols, ...cols.map((c) => c.map((v) => v * v)), ...cols.map((c) => c.map((_, i) => (i > 0 ? c[i - 1] : 0)))],
  );
}

const wide = widen(Xtr);

/** One-thread and two-thread models of the same params on `X`; returns both. */
async function oneAndTwo(params: object, X: FeatureMatrix, y: Float64Array): Promise<[GbmModel, GbmModel]> {
  const one = new GbmModel({ ...params, n_threads: 1 });
  const two = new GbmModel({ ...params, n_threads: 2 });
  await one.fit(X, y);
  await two.fit(X, y);
  return [one, two];
}

describe("gbm float-gradient path (quantized_gradients: false)", () => {
  it("trains on SPY features, matches the quantised model's out-of-sample AUC within 0.02, with different trees", async () => {
    const params = { n_trees: 60, max_depth: 3, learning_rate: 0.05, seed: 1 };
    const yTr = pick(spy.bigMove, train);
    const yTe = pick(spy.bigMove, test);
    const q = new GbmModel(params);
    const f = new GbmModel({ ...params, quantized_gradients: false });
    await q.fit(Xtr, yTr);
    await f.fit(Xtr, yTr);
    const aucQ = rocAuc(yTe, q.predictProba(Xte));
    const aucF = rocAuc(yTe, f.predictProba(Xte));
    expect(aucF).toBeGreaterThan(0.6);
    expect(Math.abs(aucF - aucQ)).toBeLessThan(0.02);
    // The flag really switches path: float split search finds other splits/values somewhere.
    expect(treesEqual(q, f)).toBe(false);
  });

  it("save / load round trip reproduces the float-path model's predictions exactly", async () => {
    const m = new GbmModel({ n_trees: 30, max_depth: 5, quantized_gradients: false, seed: 2 });
    await m.fit(Xtr, pick(spy.bigMove, train));
    const loaded = loadModel(saveModel(m), Xte.names);
    expect(loaded.kind).toBe("gbm");
    expect((loaded as GbmModel).params.quantized_gradients).toBe(false);
    const a = m.predictProba(Xte);
    const b = loaded.predictProba(Xte);
    expect(b.length).toBe(a.length);
    expect(Array.from(b)).toEqual(Array.from(a));
    // Bit-for-bit, not just close: compare the raw bytes too.
    expect(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength)),
    ).toBe(true);
  });
});

describe("gbm two threads (worker + main, shared memory) equal one thread", () => {
  it("the wide matrix makes the root task large enough to reach the worker", () => {
    // growTree's execute keeps a task on the main thread when (rows + 1500·searches)·features < 65536.
    expect((wide.nRows + 1500) * wide.names.length).toBeGreaterThan(65536 * 2);
  });

  it("float gradients (quantized_gradients: false)", async () => {
    const [one, two] = await oneAndTwo(
      { n_trees: 12, max_depth: 5, quantized_gradients: false, seed: 3 },
      wide,
      pick(spy.bigMove, train),
    );
    expect(treesEqual(one, two)).toBe(true);
  });

  it("multiclass (3 terciles) with quantised gradients", async () => {
    const [one, two] = await oneAndTwo({ n_trees: 5, max_depth: 4, seed: 4 }, wide, pick(spy.tercile, train));
    expect(one.nClasses).toBe(3);
    expect(one.toJSON().trees.length).toBe(15);
    expect(treesEqual(one, two)).toBe(true);
  });

  it("row subsampling (subsample: 0.7)", async () => {
    const [one, two] = await oneAndTwo(
      { n_trees: 12, max_depth: 5, subsample: 0.7, seed: 5 },
      wide,
      pick(spy.bigMove, train),
    );
    expect(treesEqual(one, two)).toBe(true);
  });

  it("nodes of >= 32k rows (partitioned by both threads) give the single-thread trees", async () => {
    // The SPY training rows six times over (real values, 36k rows): the root and its large
    // children are split by the threads' parallel partition, gathered in single-thread order.
    const reps = 6;
    const n = wide.nRows;
    const cols = wide.names.map((_, j) => {
      const c = new Float64Array(n * reps);
      for (let r = 0; r < reps; r++) c.set(wide.data.subarray(j * n, (j + 1) * n), r * n);
      return c;
    });
    const X = fromColumns(wide.names, cols);
    const yy = pick(spy.bigMove, train);
    const y = new Float64Array(n * reps);
    for (let r = 0; r < reps; r++) y.set(yy, r * n);
    expect(X.nRows).toBeGreaterThan(32768);
    for (const quantized_gradients of [true, false]) {
      const [one, two] = await oneAndTwo({ n_trees: 6, max_depth: 4, quantized_gradients, seed: 8 }, X, y);
      expect(treesEqual(one, two)).toBe(true);
    }
  });

  it('missing: "learn" with NaNs', async () => {
    const n = wide.nRows;
    const data = Float64Array.from(wide.data);
    // NaNs in several columns (incl. the first and last of each thread's share) at spread rows.
    for (const f of [0, 3, 7, 14, 15, 16, 22, 29]) {
      for (let i = f; i < n; i += 7 + f) data[f * n + i] = Number.NaN;
    }
    const X = featureMatrix(wide.names, n, data);
    for (const quantized_gradients of [true, false]) {
      const [one, two] = await oneAndTwo(
        { n_trees: 10, max_depth: 5, missing: "learn", quantized_gradients, seed: 6 },
        X,
        pick(spy.bigMove, train),
      );
      // The learned default directions are used somewhere (both directions occur).
      const dl = one.toJSON().trees.flatMap((t) => t.defaultLeft.filter((_, j) => t.feature[j] >= 0));
      expect(dl).toContain(0);
      expect(dl).toContain(1);
      expect(treesEqual(one, two)).toBe(true);
    }
  });
});

describe("gbm with min_child_weight 0", () => {
  it("never splits off an empty child (a hessian of rounding noise is not a child)", async () => {
    for (const quantized_gradients of [true, false]) {
      const m = new GbmModel({ n_trees: 30, max_depth: 8, min_child_weight: 0, quantized_gradients, n_threads: 1 });
      await m.fit(Xtr, pick(spy.bigMove, train));
      let empty = 0;
      let splits = 0;
      for (const t of m.treeEnsemble?.trees ?? []) {
        for (let node = 0; node < t.feature.length; node++) {
          if (t.feature[node] < 0) continue;
          splits++;
          if (t.cover[t.left[node]] <= 0 || t.cover[t.right[node]] <= 0) empty++;
        }
      }
      expect(splits).toBeGreaterThan(1000);
      expect(empty).toBe(0);
    }
  });
});
