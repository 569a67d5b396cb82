import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Document, parseDocument } from "yaml";
import { parseConfig, runPhases } from "../../src/pipeline";
import { PLANTED_SIGNAL_CONFIG } from "../pipeline/plantedSignal";
import { wsp } from "../setup/wsp";

const dir = mkdtempSync(join(tmpdir(), "labels-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The planted-signal fixture with `labels:` (and optionally more) replaced, as YAML text. */
function variant(labels: Record<string, unknown>, edit?: (doc: Document) => void): string {
  const doc = parseDocument(readFileSync(PLANTED_SIGNAL_CONFIG, "utf8"));
  doc.setIn(["labels"], doc.createNode(labels, { flow: true }));
  edit?.(doc);
  return doc.toString();
}

async function runFile(name: string, yaml: string) {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return wsp(["run", file, "--no-track"]);
}

const cross = {
  rule: "cross",
  fast: { indicator: "sma", params: { period: 10 } },
  slow: { indicator: "sma", params: { period: 50 } },
};
const barriers = { upper: 1.0, lower: 1.0, scale: "vol_20" };

describe("labels keys through wsp run", { timeout: 120_000 }, () => {
  it("meta labels with a crossing primary and uniqueness weights", async () => {
    const r = await runFile(
      "meta-rule.yaml",
      variant({ kind: "meta", horizon: 5, barriers, primary: cross, class_weight: "uniqueness" }),
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("labels meta (SKIP/TAKE)");
    expect(r.stdout).toMatch(/^ensemble +0\.\d{4}/m);
  });

  it("meta labels with a model's out-of-fold side as the primary, and balanced weights", async () => {
    const primary = { model: { kind: "logistic", params: { C: 0.1 } } };
    const r = await runFile(
      "meta-model.yaml",
      variant({ kind: "meta", horizon: 5, barriers, primary, class_weight: "balanced" }),
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /labels\.primary\.model \(logistic\): out-of-fold side on \d+ rows \(\d+ long, \d+ short\); side labels fixed_horizon over 5 bars, mean fold AUC 0\.\d{3}/,
    );
  });

  it("triple-barrier labels with trend3 regime barriers", async () => {
    const r = await runFile(
      "regime.yaml",
      variant({
        kind: "triple_barrier",
        horizon: 5,
        barriers: { upper: [0.02, 0.015, 0.04], lower: [0.02, 0.015, 0.04], scale: "regime", regimes: "trend3" },
        output: "binary",
      }),
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("labels triple_barrier (DOWN/UP)");
  });

  it("refuses class weights for a kind that takes none, naming the key and the model", async () => {
    const r = await runFile(
      "mljs.yaml",
      variant({ kind: "fixed_horizon", horizon: 5, class_weight: "balanced" }, (doc) => {
        doc.setIn(["models"], doc.createNode([{ kind: "gbm" }, { kind: "mljs_rf", params: { n_trees: 5 } }]));
      }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "labels.class_weight: balanced weighs every model's fit, but models[1] (mljs_rf) takes no sample weights",
    );
  });
});

describe("labels keys: bad values name the YAML path", () => {
  const bad = (labels: Record<string, unknown>) => () => parseConfig(variant(labels), "x.yaml");
  it("class_weight, primary rule and primary model", () => {
    expect(bad({ kind: "fixed_horizon", horizon: 5, class_weight: "inverse" })).toThrow(
      /labels\.class_weight: expected one of none, balanced, uniqueness, got "inverse"/,
    );
    expect(bad({ kind: "meta", horizon: 5, barriers, primary: { ...cross, rule: "crossing" } })).toThrow(
      /labels\.primary\.rule: expected one of cross, sign, model, got "crossing"/,
    );
    expect(bad({ kind: "meta", horizon: 5, barriers, primary: { ...cross, fast: { indicator: "smaa" } } })).toThrow(
      /labels\.primary\.fast: unknown indicator "smaa"/,
    );
    expect(bad({ kind: "meta", horizon: 5, barriers, primary: { rule: "sign", of: { indicator: "macd" } } })).toThrow(
      /labels\.primary\.of\.output: macd has outputs macd, signal, hist; name one/,
    );
    expect(
      bad({ kind: "meta", horizon: 5, barriers, primary: { model: { kind: "gbm", params: { n_trees: -1 } } } }),
    ).toThrow(/labels\.primary\.model\.params\.n_trees: expected an integer in \[1, 100000\], got -1$/m);
    expect(
      bad({ kind: "meta", horizon: 5, barriers, primary: { model: { kind: "logistic" }, long_above: 2 } }),
    ).toThrow(/labels\.primary\.long_above: expected a number in \(0, 1\), got 2/);
    const twoTickers = variant({ kind: "meta", horizon: 5, barriers, primary: { model: { kind: "lstm" } } }, (doc) =>
      doc.setIn(["data", "tickers"], doc.createNode(["PLNT", "SENT"], { flow: true })),
    );
    expect(() => parseConfig(twoTickers, "x.yaml")).toThrow(
      /labels\.primary\.model\.kind: lstm needs one ticker \(its windows are runs of consecutive bars\); data\.tickers has 2/,
    );
    // A K-fold primary would be fitted on rows after (and around) the meta test fold.
    for (const validation of [
      { kind: "purged_kfold", folds: 5 },
      { kind: "cpcv", groups: 6, test_groups: 2 },
    ]) {
      const kfold = variant({ kind: "meta", horizon: 5, barriers, primary: { model: { kind: "logistic" } } }, (doc) =>
        doc.setIn(["validation"], doc.createNode(validation, { flow: true })),
      );
      expect(() => parseConfig(kfold, "x.yaml")).toThrow(
        new RegExp(
          `labels\\.primary\\.model: a model primary is out of sample only when every fold trains on earlier rows: use validation\\.kind walk_forward or holdout \\(validation\\.kind is ${validation.kind},`,
        ),
      );
    }
    // A rule primary reads only bars up to its own: any validation scheme takes it.
    const ruleKfold = variant({ kind: "meta", horizon: 5, barriers, primary: cross }, (doc) =>
      doc.setIn(["validation"], doc.createNode({ kind: "purged_kfold", folds: 5 }, { flow: true })),
    );
    expect(() => parseConfig(ruleKfold, "x.yaml")).not.toThrow();
  });
});

describe("class weights reach every kind's fit", () => {
  it("gbm, rf and logistic lean towards the rare class when it is weighted up", async () => {
    // Asymmetric barriers make UP (the far barrier) the rare class.
    const labels = {
      kind: "triple_barrier",
      horizon: 5,
      barriers: { upper: 2.0, lower: 0.5, scale: "vol_20" },
      output: "binary",
    };
    const models = [
      { kind: "gbm", params: { n_trees: 30, max_depth: 2, learning_rate: 0.1, min_child_weight: 20 } },
      { kind: "rf", params: { n_trees: 20, max_depth: 4, min_samples_leaf: 20 } },
      { kind: "logistic", params: { C: 0.1 } },
    ];
    const meanUp = async (classWeight: string) => {
      const yaml = variant({ ...labels, class_weight: classWeight }, (doc) => {
        doc.setIn(["models"], doc.createNode(models));
      });
      const p = await runPhases(parseConfig(yaml), "training", { progress: false });
      const y = p.rows.yTarget;
      const rare = Array.from(y).filter((v) => v === 1).length / Array.from(y).filter((v) => v >= 0).length;
      const means = p.training.fits.map((f) => {
        const probs = Array.from(f.oof).filter((v) => !Number.isNaN(v));
        return probs.reduce((a, b) => a + b, 0) / probs.length;
      });
      return { rare, means };
    };
    const none = await meanUp("none");
    const balanced = await meanUp("balanced");
    expect(none.rare).toBeLessThan(0.35);
    none.means.forEach((m, k) => {
      expect(balanced.means[k]).toBeGreaterThan(m + 0.05);
    });
  }, 120_000);
});

describe("a model primary's side is out of sample", () => {
  it("has no side before the first test fold of the same walk-forward, and ±1 after it", async () => {
    const side = await runPhases(parseConfig(variant({ kind: "fixed_horizon", horizon: 5 })), "splits", {
      progress: false,
    });
    const firstTest = side.splits.plan.splits[0].test[0];
    const meta = await runPhases(
      parseConfig(variant({ kind: "meta", horizon: 5, barriers, primary: { model: { kind: "logistic" } } })),
      "labels",
      { progress: false },
    );
    const s = Array.from((meta.labels.primarySide as Float64Array[])[0]);
    expect(s.findIndex((v) => !Number.isNaN(v))).toBe(firstTest);
    const sided = s.filter((v) => !Number.isNaN(v));
    expect(new Set(sided)).toEqual(new Set([1, -1]));
    // The final holdout's rows take the refit's holdout predictions.
    expect(Number.isNaN(s[side.splits.plan.holdout[0]])).toBe(false);
    expect(sided.length).toBeGreaterThan(2000);
  }, 60_000);
});
