import { describe, expect, it } from "vitest";
import { fitLstmFolds, LstmModel, windowEnds } from "../../src/models/lstm";
import { sliceRows, takeRows } from "../../src/models/matrix";
import { logLoss } from "../../src/models/metrics";
import { rocAuc } from "../../src/validation";
import { createZooModel, loadAnyModel } from "../../src/models/zoo";
import { purgedKFold } from "../../src/validation";
import { pick, spyFeatures } from "./spyFeatures";
import { spySpans } from "./zooData";

const spy = spyFeatures();
// The last 2,400 sessions keep the suite fast; three purged folds with a 5-bar embargo.
const from = spy.X.nRows - 2400;
const all = Int32Array.from({ length: 2400 }, (_, i) => from + i);
const X = takeRows(spy.X, all);
const y = pick(spy.bigMove, all);
const plan = purgedKFold(spySpans(spy, spy.bigMove, all), { folds: 3, embargo: 5 });
const params = { window: 10, units: 8, epochs: 4, batch_size: 64, learning_rate: 0.01, patience: 2, seed: 7 };

describe("lstm on SPY daily features under purged K-fold", () => {
  it("windows never cross a gap in the row numbers", () => {
    // Rows 0..4 then 10..15: a 3-row window ends at 2, 3, 4, then again only from 12.
    expect([...windowEnds(11, 3, [0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 15])]).toEqual([2, 3, 4, 7, 8, 9, 10]);
  });

  it("folds train in parallel workers, equal to a fit in this thread; out-of-fold AUC; reload identical", async () => {
    const folds = plan.splits.map((s) => {
      // Early stopping watches a part of the training fold held out from fitting: its last 300 rows.
      const cut = s.train.length - 300;
      const tr = s.train.subarray(0, cut);
      const ev = s.train.subarray(cut);
      return {
        X: takeRows(X, tr),
        y: pick(y, tr),
        rows: tr,
        eval: { X: takeRows(X, ev), y: pick(y, ev) },
        evalRows: ev,
      };
    });
    const models = await fitLstmFolds(params, folds, 2);
    const oof = new Float64Array(X.nRows).fill(Number.NaN);
    plan.splits.forEach((s, k) => {
      const p = models[k].predictProba(takeRows(X, s.test), s.test);
      s.test.forEach((r, i) => {
        oof[r] = p[i];
      });
      // The first window-1 test rows have no full window inside the fold.
      expect(Number.isNaN(p[params.window - 2])).toBe(true);
      expect(Number.isNaN(p[params.window - 1])).toBe(false);
    });
    const ok = [...oof.keys()].filter((i) => !Number.isNaN(oof[i]));
    expect(
      rocAuc(
        Float64Array.from(ok, (i) => y[i]),
        Float64Array.from(ok, (i) => oof[i]),
      ),
    ).toBeGreaterThan(0.55);

    // Seeded: the same fold trained in this thread gives bit-identical weights.
    const again = new LstmModel(params);
    const rep = await again.fit(folds[0].X, folds[0].y, {
      rows: folds[0].rows,
      eval: folds[0].eval,
      evalRows: folds[0].evalRows,
    });
    expect(again.weights).toEqual(models[0].weights);
    expect(rep.evalLogLoss).toEqual(models[0].lastFit?.evalLoss);
    // The float64 forward pass agrees with tfjs' float32 one: the eval log-loss at the best epoch.
    const pe = again.predictProba(folds[0].eval.X, folds[0].evalRows);
    const idx = [...pe.keys()].filter((i) => !Number.isNaN(pe[i]));
    const ll = logLoss(
      Float64Array.from(idx, (i) => folds[0].eval.y[i]),
      Float64Array.from(idx, (i) => pe[i]),
    );
    expect(Math.abs(ll - rep.evalLogLoss[rep.bestIteration])).toBeLessThan(1e-4);

    const back = loadAnyModel(JSON.stringify(models[1].toJSON()));
    const Xte = takeRows(X, plan.splits[1].test);
    expect(back.predictProba(Xte)).toEqual(models[1].predictProba(Xte));
  }, 120_000);

  it("window longer than the fold: an error naming the config path", async () => {
    const m = createZooModel({ kind: "lstm", params: { ...params, window: 60 } }, "models.3");
    await expect(m.fit(sliceRows(X, 0, 50), y.subarray(0, 50))).rejects.toThrow(
      /models\.3\.params\.window: 60 rows is longer than the fold \(its longest run of consecutive rows is 50 of 50 rows\)/,
    );
    // Two runs of 40 rows (a purged gap between them) are not one run of 80.
    const rows = Int32Array.from({ length: 80 }, (_, i) => (i < 40 ? i : i + 30));
    await expect(m.fit(takeRows(X, rows), pick(y, rows), { rows } as never)).rejects.toThrow(
      /longest run of consecutive rows is 40/,
    );
  });
});
