import { describe, expect, it } from "vitest";
import { takeRows } from "../../src/models/matrix";
import { rocAuc } from "../../src/validation";
import { MljsRfModel } from "../../src/models/mljsRf";
import { BlendModel } from "../../src/models/blendModel";
import { hyperSearch, searchVariants } from "../../src/models/hyperSearch";
import { createZooModel, loadAnyModel } from "../../src/models/zoo";
import { checkModelKinds, createModel as createPipelineModel } from "../../src/pipeline/modelFactory";
import { purgedKFold } from "../../src/validation";
import { pick, spyFeatures } from "./spyFeatures";
import { spySpans } from "./zooData";

const spy = spyFeatures();
const n = spy.X.nRows;
const plan = purgedKFold(spySpans(spy, spy.bigMove), { folds: 3, embargo: 5 });
const gbm = { kind: "gbm" as const, params: { n_trees: 20, max_depth: 3, learning_rate: 0.1, n_threads: 1 } };
const logistic = { kind: "logistic" as const, params: {} };

describe("model zoo on SPY daily features under purged K-fold", () => {
  it("mljs_rf: out-of-fold AUC on next-day volatility, save and reload with identical predictions", async () => {
    const oof = new Float64Array(n).fill(Number.NaN);
    let saved = "";
    let lastTest = plan.splits[0].test;
    let lastP = new Float64Array(0);
    for (const s of plan.splits) {
      // A subsample of the training fold keeps the pure-JS forest fast.
      const tr = s.train.filter((_, i) => i % 6 === 0);
      const m = new MljsRfModel({ n_trees: 10, max_depth: 5, min_samples_leaf: 20, seed: 3 });
      await m.fit(takeRows(spy.X, tr), pick(spy.bigMove, tr));
      const p = m.predictProba(takeRows(spy.X, s.test));
      s.test.forEach((r, i) => {
        oof[r] = p[i];
      });
      saved = JSON.stringify(m.toJSON());
      const imp = m.featureImportance("split_count");
      expect(imp.values.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
      lastTest = s.test;
      lastP = p;
    }
    expect(rocAuc(spy.bigMove, oof)).toBeGreaterThan(0.58);
    const back = loadAnyModel(saved);
    expect(back.predictProba(takeRows(spy.X, lastTest))).toEqual(lastP);
    expect(back.featureImportance("gain").values.some((v) => v > 0)).toBe(true);
  });

  for (const method of ["voting", "stacking"] as const) {
    it(`ensemble ${method}: weights/meta-learner fitted inside the training fold, reload identical`, async () => {
      const s = plan.splits[1];
      const Xtr = takeRows(spy.X, s.train);
      const ytr = pick(spy.bigMove, s.train);
      const e = createZooModel({ kind: "ensemble", params: { method, members: [gbm, logistic], inner_folds: 3 } });
      await e.fit(Xtr, ytr);
      const ens = e as BlendModel;
      // The inner out-of-fold predictions cover the training rows only, never the test fold.
      expect(ens.oof[0].length).toBe(s.train.length);
      if (method === "voting") {
        expect(ens.weights.every((w) => w >= 0)).toBe(true);
        expect(Math.abs(ens.weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(1e-9);
      } else expect(ens.meta?.featureNames).toEqual(["m0_p0", "m1_p0"]);
      const Xte = takeRows(spy.X, s.test);
      const p = e.predictProba(Xte);
      expect(rocAuc(pick(spy.bigMove, s.test), p)).toBeGreaterThan(0.6);
      expect(loadAnyModel(JSON.stringify(e.toJSON())).predictProba(Xte)).toEqual(p);
    });
  }

  it("ensemble: ridge weights and the dominance warning when one member takes > 80 %", async () => {
    const tr = plan.splits[0].train;
    // A constant-prediction member (logistic on nothing useful: huge penalty) loses all weight.
    const e = new BlendModel({
      members: [logistic, { kind: "logistic", params: { C: 1e-9 } }],
      weights: "ridge",
      alpha: 0,
      inner_folds: 3,
    });
    await e.fit(takeRows(spy.X, tr), pick(spy.bigMove, tr));
    expect(e.weights[0]).toBeGreaterThan(0.8);
    expect(e.warnings[0]).toMatch(/ensemble\.params\.members\.0 \(logistic\) takes .* % of the ensemble weight/);
  });

  it("ensemble over members with different label kinds: error naming the config path", async () => {
    const e = createZooModel(
      { kind: "ensemble", params: { members: [logistic, { kind: "rf", params: {} }] } },
      "models.2",
    );
    await expect(e.fit(spy.X, spy.tercile)).rejects.toThrow(
      /models\.2\.params\.members\.1\.kind: "rf" fits binary labels only, but the labels have 3 classes/,
    );
    const bin = new BlendModel({ members: [logistic, logistic], inner_folds: 3 });
    await bin.fit(takeRows(spy.X, plan.splits[0].train), pick(spy.bigMove, plan.splits[0].train));
    const saved = bin.toJSON();
    const multi = new BlendModel({ members: [logistic, logistic], inner_folds: 3 });
    await multi.fit(takeRows(spy.X, plan.splits[0].train), pick(spy.tercile, plan.splits[0].train));
    saved.members[1] = multi.members[1].toJSON();
    expect(() => loadAnyModel(saved)).toThrow(/ensemble\.members\.1: fitted on 3 classes but the ensemble on 2/);
  });

  it("search: grid and random, nested purged CV on the training fold, leaderboard and trial count", async () => {
    const s = plan.splits[2];
    const spans = spySpans(spy, spy.bigMove, s.train);
    const spec = {
      kind: "gbm" as const,
      base: { n_trees: 15, learning_rate: 0.1, n_threads: 1 },
      space: { max_depth: [2, 3], min_child_weight: [1, 20] },
      folds: 3,
    };
    expect(searchVariants(spec)).toHaveLength(4);
    const r = await hyperSearch(spec, takeRows(spy.X, s.train), pick(spy.bigMove, s.train), spans);
    expect(r.trials).toBe(4);
    expect(r.leaderboard).toHaveLength(4);
    for (let i = 1; i < 4; i++) expect(r.leaderboard[i].score).toBeGreaterThanOrEqual(r.leaderboard[i - 1].score);
    expect(r.best.foldScores).toHaveLength(3);
    const rnd = searchVariants({
      kind: "logistic",
      space: { C: { low: 1e-3, high: 10, log: true } },
      method: "random",
      n_iter: 5,
      seed: 4,
    });
    expect(rnd).toHaveLength(5);
    expect(rnd.every((v) => (v.C as number) >= 1e-3 && (v.C as number) <= 10)).toBe(true);
    const r2 = await hyperSearch(
      { kind: "logistic", space: { C: [0.01, 1] }, metric: "auc", folds: 3 },
      takeRows(spy.X, s.train),
      pick(spy.bigMove, s.train),
      spans,
    );
    expect(r2.trials).toBe(2);
    expect(r2.best.score).toBeGreaterThan(0.6);
  });

  it("search by AUC: a one-class test fold or a multi-class label is an error, never a NaN score", async () => {
    const s = plan.splits[2];
    const spans = spySpans(spy, spy.bigMove, s.train);
    const X = takeRows(spy.X, s.train);
    const y = pick(spy.bigMove, s.train);
    const spec = { kind: "logistic" as const, space: { C: [1] }, metric: "auc" as const, folds: 3 };
    // The last inner fold's test rows (the last third of the training rows) hold class 0 only.
    const oneClass = y.map((v, i) => (i >= (y.length * 3) / 5 ? 0 : v));
    await expect(hyperSearch(spec, X, oneClass, spans)).rejects.toThrow(
      /^search\.metric: fold 2's test rows hold one class only, so its AUC is undefined$/,
    );
    const threeClasses = y.map((v, i) => (v === 1 ? 1 + (i % 2) : 0));
    await expect(hyperSearch(spec, X, threeClasses, spans)).rejects.toThrow(
      /^search\.metric: "auc" scores binary labels; these have 3 classes \(use logloss\)$/,
    );
  });

  it("search: an invalid space value is an error naming its config path", () => {
    expect(() => searchVariants({ kind: "gbm", space: { max_depth: [3, "six"] } }, "models.0.search")).toThrow(
      /models\.0\.search\.space\.max_depth\.1: .*gbm parameter max_depth/,
    );
    expect(() => searchVariants({ kind: "logistic", space: { C: { low: 1, high: 2 } } })).toThrow(
      /search\.space\.C: a range needs method: random/,
    );
  });

  it("the experiment runner's factory builds logistic and mljs_rf, naming a bad parameter's config path", () => {
    expect(createPipelineModel({ kind: "logistic", params: { C: 2 } }, 1).kind).toBe("logistic");
    expect(createPipelineModel({ kind: "mljs_rf", params: {} }, 0).kind).toBe("mljs_rf");
    expect(() =>
      checkModelKinds([{ kind: "gbm", params: {} } as never, { kind: "logistic", params: { C: 0 } }]),
    ).toThrow(/models\[1\]\.params\.C: /);
  });
});
