/**
 * Search and feature selection inside the folds (src/pipeline/foldFitter.ts) on the planted-signal
 * fixture: every inner row of every fold is one of that fold's training rows (never an outer test
 * row, never the holdout); the searched variants join the trial ledger without a Sharpe; the
 * choices reach the model's child run; the fitted models still take every column.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Document } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromColumns, loadAnyModel, takeRows } from "../../src/models";
import { loadRegisteredModel, promoteRun, runPhases, runTracked } from "../../src/pipeline";
import { variantModel } from "../../src/pipeline/modelExport";
import { checkWorkload, estimateModel } from "../../src/pipeline/workEstimate";
import { MlflowClient, readLedger } from "../../src/tracking";
import { testMlflowUri } from "../setup/testMlflow";
import { plantedSignalConfig } from "./plantedSignal";

const experiment = `search-select-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

/** The fixture with a 2-point grid on gbm's max_depth and the top 2 of its 4 columns kept. */
function withSearchAndSelect(doc: Document): void {
  doc.setIn(
    ["models", 0, "search"],
    doc.createNode({ method: "grid", space: { max_depth: [1, 2] }, max_trials: 4, folds: 2 }),
  );
  doc.setIn(["features", "select"], doc.createNode({ k: 2, by: "shap" }));
  doc.setIn(["models", 1], doc.createNode({ kind: "gbm", name: "gbm_small", params: { n_trees: 20, max_depth: 1 } }));
  doc.setIn(["controls", "shuffled_labels"], false);
}

function contains(sorted: Int32Array, r: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo] === r;
}

describe("search and selection inside the folds", () => {
  it("never lets an inner fit see an outer test row or the holdout", async () => {
    const p = await runPhases(plantedSignalConfig(experiment, undefined, withSearchAndSelect), "training", {
      progress: false,
    });
    const { plan } = p.splits;
    const choices = p.training.choices[0];
    if (!choices) throw new Error("models[0] searched and selected, so it has choices");
    expect(choices.map((c) => c.fold)).toEqual([...plan.splits.map((_, k) => k), "final"]);
    const holdout = Int32Array.from(plan.holdout).sort();
    for (const c of choices) {
      const train = c.fold === "final" ? plan.rows : plan.splits[c.fold].train;
      const test = c.fold === "final" ? holdout : plan.splits[c.fold].test;
      // Search (2 inner folds) and selection (inner split) both ran on a good share of the window.
      expect(c.innerRows.length).toBeGreaterThan(train.length / 2);
      for (const r of c.innerRows) {
        expect(contains(train, r), `fold ${c.fold} inner row ${r} is a training row`).toBe(true);
        expect(contains(test, r), `fold ${c.fold} inner row ${r} is an outer test row`).toBe(false);
        expect(contains(holdout, r), `fold ${c.fold} inner row ${r} is a holdout row`).toBe(false);
      }
      expect(c.search?.tried.map((t) => t.params.max_depth).sort()).toEqual([1, 2]);
      expect(c.selection?.selected).toHaveLength(2);
    }
    // gbm_small does not search but selects: choices without a search.
    expect(p.training.choices[1]?.every((c) => c.search === null && c.selection !== null)).toBe(true);
    // The planted series is what predicts: the final refit keeps it.
    const final = choices.find((c) => c.fold === "final");
    expect(final?.selection?.selected.some((n) => n.startsWith("SENT/"))).toBe(true);
    // The fitted model takes every column (serving passes them all) and ignores the dropped ones.
    const model = p.training.fits[0].finalModel;
    expect(model.featureNames).toEqual(p.rows.X.names);
    const X = takeRows(p.rows.X, plan.holdout.slice(0, 50));
    const reloaded = loadAnyModel(JSON.parse(JSON.stringify(model.toJSON())));
    expect(reloaded.predictProba(X)).toEqual(model.predictProba(X));
    const dropped = X.names.findIndex((n) => !final?.selection?.selected.includes(n));
    const scrambled = { ...X, data: Float64Array.from(X.data) };
    scrambled.data.subarray(dropped * X.nRows, (dropped + 1) * X.nRows).reverse();
    expect(model.predictProba(scrambled)).toEqual(model.predictProba(X));
  }, 60_000);
});

describe("searched variants in the trial ledger", () => {
  let uri: string;
  let client: MlflowClient;
  let outboxDir: string;

  beforeAll(async () => {
    uri = await testMlflowUri();
    client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
    outboxDir = mkdtempSync(join(tmpdir(), "wsp-search-outbox-"));
  }, 120_000);
  afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

  it("adds each distinct variant tried, without a Sharpe, and logs the choices in the model's child run", async () => {
    const tracked = await runTracked(plantedSignalConfig(experiment, undefined, withSearchAndSelect), {
      trackingUri: uri,
      outboxDir,
      progress: false,
      png: false,
    });
    const ledger = [...(await readLedger(client, experiment)).values()];
    const searched = ledger.filter((t) => t.variant.includes("#search:"));
    // gbm, gbm_small, ensemble are backtested; gbm's grid adds max_depth 1 and 2.
    expect(
      ledger
        .map((t) => t.variant)
        .filter((v) => !v.includes("#"))
        .sort(),
    ).toEqual(["ensemble", "gbm", "gbm_small"]);
    expect(searched.map((t) => t.variant)).toEqual([
      expect.stringMatching(/^gbm#search:[0-9a-f]{12}$/),
      expect.stringMatching(/^gbm#search:[0-9a-f]{12}$/),
    ]);
    expect(searched.every((t) => Number.isNaN(t.sharpe) && t.nObs === 0)).toBe(true);
    expect(tracked.result.backtest.trials).toBe(5);

    const children = await client.searchAllRuns({
      experimentIds: [(await client.getRun(tracked.runId)).info.experiment_id],
      filter: `tags.\`mlflow.parentRunId\` = '${tracked.runId}'`,
    });
    const gbm = children.find((c) => c.info.run_name === "gbm");
    const runId = gbm?.info.run_id ?? "";
    const search = JSON.parse(new TextDecoder().decode(await client.downloadArtifact(runId, "search/gbm.json")));
    expect(search.map((f: { fold: unknown }) => f.fold)).toEqual([
      ...tracked.result.plan.splits.map((_, k) => k),
      "final",
    ]);
    expect(search[0].tried).toHaveLength(2);
    const selection = JSON.parse(new TextDecoder().decode(await client.downloadArtifact(runId, "selection/gbm.json")));
    expect(selection[0].selected).toHaveLength(2);
    const params = Object.fromEntries((gbm?.data.params ?? []).map((p) => [p.key, p.value]));
    expect(["1", "2"]).toContain(params["search.max_depth"]);
    // The logged model's params carry the searched value its refit was fitted with.
    expect(variantModel(tracked.result, "gbm", {}, 0).params?.["search.max_depth"]).toBe(params["search.max_depth"]);
    expect(params["selection.features"]?.split(",")).toHaveLength(2);

    // Promoted, the variant loads back from the registry over every column and predicts as the run's
    // refits did, though each member was fitted on its own two columns.
    const r = tracked.result;
    const promoted = await promoteRun(client, tracked.runId, { force: true, allowNoControl: true });
    const loaded = await loadRegisteredModel(`${promoted.name}/${promoted.version}`, { client });
    expect(loaded.featureNames).toEqual(r.features.names);
    const n = r.panel.ts.length;
    const X = fromColumns(
      loaded.featureNames,
      loaded.featureNames.map((name) => r.panel.columns[r.panel.names.indexOf(name)].subarray(n - 100)),
    );
    for (const m of loaded.members) {
      expect(m.model.predictProba(X)).toEqual(r.models.find((x) => x.name === m.name)?.model.predictProba(X));
    }
  }, 120_000);
});

describe("config errors name the YAML path", () => {
  const bad = (edit: (doc: Document) => void) => () => plantedSignalConfig(experiment, undefined, edit);
  it("models[].search", () => {
    expect(
      bad((d) => d.setIn(["models", 0, "search"], d.createNode({ space: { max_depth: [2] }, max_trials: 0 }))),
    ).toThrow("models[0].search.max_trials: expected an integer");
    expect(bad((d) => d.setIn(["models", 0, "search"], d.createNode({ space: { max_depth: [2, "deep"] } })))).toThrow(
      "models[0].search.space.max_depth[1]:",
    );
    expect(
      bad((d) =>
        d.setIn(
          ["models", 0, "search"],
          d.createNode({ space: { max_depth: [1, 2, 3], learning_rate: [0.1, 0.2] }, max_trials: 4 }),
        ),
      ),
    ).toThrow("models[0].search.max_trials: the grid has 6 combinations, more than max_trials 4");
    expect(
      bad((d) => d.setIn(["models", 0, "search"], d.createNode({ space: { max_depth: { low: 1, high: 3 } } }))),
    ).toThrow("models[0].search.space.max_depth: a range needs method: random");
  });
  it("kinds that cannot be searched or widened", () => {
    expect(
      bad((d) => d.setIn(["models", 0], d.createNode({ kind: "lstm", search: { space: { units: [8, 16] } } }))),
    ).toThrow("models[0].search: a lstm model cannot be searched (searchable kinds: gbm, rf, logistic, mljs_rf)");
    expect(
      bad((d) => {
        d.setIn(["models", 0], d.createNode({ kind: "mljs_rf" }));
        d.setIn(["features", "select"], d.createNode({ k: 2 }));
      }),
    ).toThrow(
      "models[0].kind: features.select needs models that can be fitted on the selected columns and still take every column (gbm, rf, logistic); mljs_rf cannot",
    );
  });
  it("features.select", () => {
    expect(bad((d) => d.setIn(["features", "select"], d.createNode({ k: 0 })))).toThrow("features.select.k:");
    // logistic (models[1] of the fixture) has no TreeSHAP.
    expect(bad((d) => d.setIn(["features", "select"], d.createNode({ k: 2, by: "shap" })))).toThrow(
      "features.select.by: shap needs tree models; models[1] is logistic",
    );
  });
});

describe("work estimate of a search", () => {
  // SPY daily, default features, spy-daily.yaml's walk-forward (test/pipeline/workEstimate.test.ts).
  const SHAPE = { rows: 6678, features: 201, classes: 2, fits: 11 };
  const entry = (search: string) =>
    plantedSignalConfig(experiment, undefined, (d) =>
      d.setIn(["models", 0, "search"], d.createNode(JSON.parse(search))),
    ).config.models[0];

  it("adds each variant's inner folds, bounded by budget_seconds, and names max_trials when it dominates", () => {
    const plain = estimateModel(entry('{"space":{"max_depth":[2]}}'), 0, SHAPE);
    const grid = estimateModel(entry('{"space":{"max_depth":[1,2,3,4]},"max_trials":4,"folds":3}'), 0, SHAPE);
    // One variant × 2 inner fits' worth per fit on top of the fit itself; four variants: eight.
    expect(
      plain.seconds / estimateModel(plantedSignalConfig(experiment).config.models[0], 0, SHAPE).seconds,
    ).toBeCloseTo(3, 6);
    expect(grid.timeParam).toBe("models[0].search.max_trials");
    const budgeted = estimateModel(
      entry('{"method":"random","space":{"max_depth":[1,2,3]},"max_trials":10000,"budget_seconds":1}'),
      0,
      SHAPE,
    );
    expect(budgeted.seconds).toBeLessThan(plain.seconds + SHAPE.fits + 1e-9);
    expect(() =>
      checkWorkload(
        [entry('{"method":"random","space":{"max_depth":[1,2,3]},"max_trials":10000,"folds":20}')],
        { ...SHAPE, rows: 1e6 },
        0,
      ),
    ).toThrow(/^models\[0\]\.search\.max_trials: refused before training/);
  });
});
