/**
 * The up-front work estimate: sensible configs pass, absurd ones are refused before training,
 * naming the YAML path of the parameter that dominates and the estimate.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/pipeline";
import { checkWorkload, estimateModel } from "../../src/pipeline/workEstimate";

const BASE = `name: t
tracking: { experiment: t }
data: { tickers: [SPY] }
labels: { kind: fixed_horizon, horizon: 5 }
validation: { kind: walk_forward, train: P2Y, test: P6M, final_holdout: P1Y }
`;
// SPY daily with the default feature set under spy-daily.yaml's walk-forward: 6678 rows, 201
// columns, 10 folds plus the final refit.
const SHAPE = { rows: 6678, features: 201, classes: 2, fits: 11 };

function modelsOf(yaml: string) {
  return parseConfig(`${BASE}models: ${yaml}\n`, "x.yaml").config.models;
}

describe("work estimate", () => {
  it("passes the shipped model settings (well under an hour each) and every kind's defaults", () => {
    const spyDaily = modelsOf(
      "[{ kind: gbm, params: { n_trees: 120, max_depth: 3 } }, { kind: rf, params: { n_trees: 60, max_depth: 8 } }, { kind: logistic }]",
    );
    const works = checkWorkload(spyDaily, SHAPE, 1);
    expect(works.map((w) => w.path)).toEqual(["models[0]", "models[1]", "models[2]"]);
    // lstm-spy.yaml: 5422 rows × 108 features, 7 folds and the refit.
    const lstmSpy = modelsOf("[{ kind: lstm, params: { window: 20, units: 16, epochs: 8 } }]");
    works.push(...checkWorkload(lstmSpy, { rows: 5422, features: 108, classes: 2, fits: 8 }, 1));
    for (const w of works) expect(w.seconds).toBeLessThan(3600);
    for (const kind of ["gbm", "rf", "logistic", "lstm", "mljs_rf"]) {
      expect(() => checkWorkload(modelsOf(`[{ kind: ${kind} }]`), SHAPE, 1)).not.toThrow();
    }
  });

  it("refuses training time beyond the limit, naming the dominant parameter", () => {
    const models = modelsOf("[{ kind: gbm }, { kind: rf, params: { n_trees: 100000, max_features: all } }]");
    expect(() => checkWorkload(models, SHAPE, 1)).toThrow(
      /^models\[1\]\.params\.n_trees: refused before training: the models would train for about \d+ h \(rf: 100000 trees × 13 levels on 6678 rows × 201 features, 11 fits, \d+ h\); the limit is 24 h$/,
    );
    const lstm = modelsOf("[{ kind: lstm, params: { epochs: 100000 } }]");
    expect(() => checkWorkload(lstm, SHAPE, 0)).toThrow(/^models\[0\]\.params\.epochs: refused before training/);
  });

  it("refuses memory beyond the tree engine's 4 GiB, naming max_leaves", () => {
    const models = modelsOf("[{ kind: gbm, params: { max_depth: 0, max_leaves: 131072 } }]");
    expect(() => checkWorkload(models, SHAPE, 0)).toThrow(
      /^models\[0\]\.params\.max_leaves: refused before training: one fit would need about 10\d GiB of memory .*; the limit is 4\.0 GiB \(the tree engine's WebAssembly memory\)$/,
    );
    // The same leaves on a few features fit.
    expect(estimateModel(models[0], 0, { ...SHAPE, features: 4 }).bytes).toBeLessThan(4 * 2 ** 30);
  });

  it("names the model when the data, not a parameter, makes the work", () => {
    const models = modelsOf("[{ kind: gbm }]");
    expect(() => checkWorkload(models, { ...SHAPE, rows: 1e9, features: 2000 }, 0)).toThrow(
      /^models\[0\]: refused before training: one fit would need about/,
    );
  });
});
